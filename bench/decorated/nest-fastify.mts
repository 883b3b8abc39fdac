// NestJS on Fastify (@nestjs/platform-fastify). `node nest-fastify.mjs <port>` serves
// scenarios 1-6; with `realistic` as second argument, the realistic app: @fastify/helmet,
// @fastify/cookie with @fastify/session (its memory store), the global ValidationPipe.
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifySession from "@fastify/session";
import type { AddressInfo } from "node:net";
import { ValidationPipe } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import { BenchModule, NEST_LOGGER, OrdersModule } from "./nest-app.mjs";
import { SECRET } from "./order-dto.mjs";

const port = Number(process.argv[2]);
const realistic = process.argv[3] === "realistic";
const app = await NestFactory.create<NestFastifyApplication>(
  realistic ? OrdersModule : BenchModule,
  new FastifyAdapter(),
  { logger: [...NEST_LOGGER] },
);
if (realistic) {
  await app.register(fastifyHelmet);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: SECRET,
    cookieName: "sid",
    // Plain HTTP on 127.0.0.1: the cookie's default `secure: true` would never come back.
    cookie: { secure: false, httpOnly: true, sameSite: "lax" },
    saveUninitialized: false,
  });
  app.useGlobalPipes(new ValidationPipe());
}
await app.listen(port, "127.0.0.1");
console.log(`ready ${(app.getHttpServer().address() as AddressInfo).port}`);
