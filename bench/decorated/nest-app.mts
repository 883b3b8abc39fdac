// The NestJS app of the bench, the same on Express and on Fastify (nest-express.mts,
// nest-fastify.mts): controllers for scenarios 1-6, and for the realistic scenario a
// module of its own (login, orders) behind the platform's helmet and session plugins.
import "reflect-metadata";
import {
  BadRequestException,
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Module,
  Param,
  type PipeTransform,
  Post,
  Query,
  Req,
  Session,
  UnauthorizedException,
  UseGuards,
} from "@nestjs/common";
import { OrderDto, answer } from "./order-dto.mjs";

/** The request as these handlers read it, on either platform. */
interface BenchRequest {
  user?: string;
  session?: { user?: string };
}

/** Scenario 6's "inject" step: a guard that puts the user on the request. */
@Injectable()
class BenchUser implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<BenchRequest>().user = "bench";
    return true;
  }
}

/** Scenario 6's "filter" step: the id must be digits. */
@Injectable()
class Digits implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d+$/.test(value)) throw new BadRequestException("id");
    return value;
  }
}

@Controller()
class BenchController {
  @Get()
  hello() {
    return "hello world";
  }

  @Get("user/:id")
  user(@Param("id") id: string) {
    return { id };
  }

  @Post("echo")
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return body;
  }

  @Get("steps/:id")
  @UseGuards(BenchUser)
  steps(@Param("id", Digits) id: string, @Query("page") page: string, @Req() req: BenchRequest) {
    return { id, page, user: req.user };
  }
}

/** 200 routes `r{i}/items/:id` on one controller, decorated in a loop as a generator would. */
class ManyRoutes {}
for (let i = 0; i < 200; i++) {
  const name = `route${i}`;
  Object.defineProperty(ManyRoutes.prototype, name, {
    value: (id: string) => ({ route: i, id }),
    writable: true,
    configurable: true,
  });
  Param("id")(ManyRoutes.prototype, name, 0);
  Get(`r${i}/items/:id`)(ManyRoutes.prototype, name, Object.getOwnPropertyDescriptor(ManyRoutes.prototype, name)!);
}
Controller()(ManyRoutes);

@Module({ controllers: [BenchController, ManyRoutes] })
export class BenchModule {}

/** Refuses a request whose session has no user (guards run before the validation pipe). */
@Injectable()
class LoggedIn implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<BenchRequest>().session?.user === undefined) {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller()
class OrdersController {
  @Post("login")
  @HttpCode(200)
  login(@Session() session: { user?: string }) {
    session.user = "bench";
    return { user: "bench" };
  }

  @Post("orders")
  @HttpCode(200)
  @UseGuards(LoggedIn)
  order(@Body() order: OrderDto, @Session() session: { user: string }) {
    return answer(session.user, order);
  }
}

@Module({ controllers: [OrdersController] })
export class OrdersModule {}

/** Nest's startup logs would bury the "ready" line: errors and warnings only. */
export const NEST_LOGGER = ["error", "warn"] as const;
