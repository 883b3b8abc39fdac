// NestJS on Express (@nestjs/platform-express). `node nest-express.mjs <port>` serves
// scenarios 1-6; with `realistic` as second argument, the realistic app: helmet,
// express-session (its memory store), the global ValidationPipe (class-validator).
import type { AddressInfo } from "node:net";
import { ValidationPipe } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import session from "express-session";
import helmet from "helmet";
import { BenchModule, NEST_LOGGER, OrdersModule } from "./nest-app.mjs";
import { SECRET } from "./order-dto.mjs";

const port = Number(process.argv[2]);
const realistic = process.argv[3] === "realistic";
const app = await NestFactory.create<NestExpressApplication>(realistic ? OrdersModule : BenchModule, {
  logger: [...NEST_LOGGER],
});
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
  app.useGlobalPipes(new ValidationPipe());
}
await app.listen(port, "127.0.0.1");
console.log(`ready ${(app.getHttpServer().address() as AddressInfo).port}`);
