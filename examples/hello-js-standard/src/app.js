const { Aex, http, get, post, body } = require("@aex/core");

class HelloAex {
  name = "Alice";

  constructor(name) {
    this.name = name;
  }

  @http("*", "*")
  all(_req, res) {
    res.end("Hello from " + this.name + "!");
  }

  @get("/json/:id")
  json(_req, res, scope) {
    res.json({ id: scope.params.id, from: this.name });
  }

  @post("/echo")
  @body("json")
  echo(_req, res, scope) {
    res.json(scope.body);
  }
}

/** The hello-world app, in JavaScript. */
function createApp(name = "Eric") {
  const aex = new Aex();
  aex.push(HelloAex, name);
  return aex;
}

module.exports = { createApp, HelloAex };
