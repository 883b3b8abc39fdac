// routing-controllers on Express. `node routing-controllers.mjs <port>` serves scenarios
// 1-6; with `realistic` as second argument, the realistic app: helmet, express-session (its
// memory store), @Authorized() with a session check, @Body() validated by class-validator.
import "reflect-metadata";
import express, { type NextFunction, type Request, type Response } from "express";
import session from "express-session";
import helmet from "helmet";
import {
  Authorized,
  BadRequestError,
  Body,
  Controller,
  Get,
  JsonController,
  Param,
  Post,
  QueryParam,
  Req,
  Session,
  UseBefore,
  useExpressServer,
} from "routing-controllers";
import { OrderDto, SECRET, answer } from "./order-dto.mjs";

interface BenchRequest extends Request {
  user?: string;
}

/** Scenario 6's "inject" step. */
function benchUser(req: BenchRequest, _res: Response, next: NextFunction): void {
  req.user = "bench";
  next();
}

/** Text answers: a plain controller (a JSON controller would quote the string). */
@Controller()
class HelloController {
  @Get("/")
  hello() {
    return "hello world";
  }
}

/** JSON in and out: a JSON controller (a plain one reads bodies as text). */
@JsonController()
class BenchController {
  @Get("/user/:id")
  user(@Param("id") id: string) {
    return { id };
  }

  @Post("/echo")
  echo(@Body() body: object) {
    return body;
  }

  @Get("/steps/:id")
  @UseBefore(benchUser)
  steps(@Param("id") id: string, @QueryParam("page") page: string, @Req() req: BenchRequest) {
    if (!/^\d+$/.test(id)) throw new BadRequestError("id");
    return { id, page, user: req.user };
  }
}

/** 200 routes `/r{i}/items/:id` on one controller, decorated in a loop as a generator would. */
class ManyRoutes {}
for (let i = 0; i < 200; i++) {
  const name = `route${i}`;
  Object.defineProperty(ManyRoutes.prototype, name, {
    value: (id: string) => ({ route: i, id }),
    writable: true,
    configurable: true,
  });
  // What emitDecoratorMetadata would have written for `(id: string)`.
  Reflect.defineMetadata("design:paramtypes", [String], ManyRoutes.prototype, name);
  Param("id")(ManyRoutes.prototype, name, 0);
  Get(`/r${i}/items/:id`)(ManyRoutes.prototype, name);
}
JsonController()(ManyRoutes);

@JsonController()
class OrdersController {
  @Post("/login")
  login(@Session() session: { user?: string }) {
    session.user = "bench";
    return { user: "bench" };
  }

  @Post("/orders")
  @Authorized()
  order(@Body() order: OrderDto, @Session() session: { user: string }) {
    return answer(session.user, order);
  }
}

const port = Number(process.argv[2]);
const realistic = process.argv[3] === "realistic";
const app = express();
if (realistic) {
  app.use(helmet());
  app.use(
    session({
      secret: SECRET,
      name: "sid",
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: "lax" },
    }),
  );
}
useExpressServer(app, {
  controllers: realistic ? [OrdersController] : [HelloController, BenchController, ManyRoutes],
  validation: true,
  authorizationChecker: (action) => (action.request as { session?: { user?: string } }).session?.user !== undefined,
});
const server = app.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address !== null ? address.port : port}`);
});
