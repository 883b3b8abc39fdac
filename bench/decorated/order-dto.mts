// The realistic scenario's order body as class-validator classes: the 10 rules of
// bench/servers/realistic/order.js, validated by NestJS's ValidationPipe and by
// routing-controllers.
import { Type } from "class-transformer";
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from "class-validator";

export class Customer {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsEmail()
  @MaxLength(200)
  email!: string;
}

export class Address {
  @IsString()
  @Length(1, 200)
  street!: string;

  @IsString()
  @Length(1, 100)
  city!: string;

  @Matches(/^[0-9]{5}$/)
  zip!: string;

  @Matches(/^[A-Z]{2}$/)
  country!: string;
}

export class Item {
  @Matches(/^[A-Z0-9-]{1,20}$/)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  qty!: number;
}

export class OrderDto {
  @IsString()
  @Length(1, 100)
  title!: string;

  @IsString()
  @MaxLength(2000)
  description!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;

  @IsNumber()
  @Min(0)
  @Max(100_000)
  price!: number;

  @IsIn(["EUR", "USD", "GBP"])
  currency!: string;

  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 20, { each: true })
  tags!: string[];

  @IsBoolean()
  gift!: boolean;

  @IsObject()
  @ValidateNested()
  @Type(() => Customer)
  customer!: Customer;

  @IsObject()
  @ValidateNested()
  @Type(() => Address)
  address!: Address;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => Item)
  items!: Item[];
}

/** Session cookies are signed with this secret everywhere (Fastify's session wants 32+ characters). */
export const SECRET = "bench-session-secret-0123456789abcdef";

/** The answer to a valid order from `user`. */
export const answer = (user: string, order: OrderDto) => ({
  user,
  title: order.title,
  total: order.quantity * order.price,
  lines: order.items.length,
});
