import { Aex, get, http, post, type AexRequest, type AexResponse, type ICompactContext, type Scope } from "@aex/core";

export class Greeter {
  constructor(private readonly greeting: string) {}

  @get("/")
  home(_req: AexRequest, res: AexResponse) {
    res.end(`${this.greeting} from Aex!`);
  }

  @get("/hello/:name")
  hello(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.end(`${this.greeting}, ${scope.params.name}!`);
  }

  @http(["get", "post"], "/time", true)
  time({ res, scope }: ICompactContext) {
    res.json({ started: scope.time.started, passed: scope.time.passed });
  }

  @post("/echo")
  async echo(req: AexRequest, res: AexResponse) {
    let text = "";
    for await (const chunk of req) text += chunk;
    res.end(text);
  }
}

/** Builds the hello-world app; `main.ts` starts it. */
export function createApp(greeting = "Hello"): Aex {
  const aex = new Aex();
  aex.push(Greeter, greeting);
  return aex;
}
