// A RealWorld-sized app (the Conduit API: https://realworld-docs.netlify.app/specifications/backend/endpoints/):
// 19 operations over users, profiles, articles, comments, favorites and tags, with
// `Authorization: Token <jwt>`, optional auth on the public reads, and the 422 RealWorld
// answers invalid input with. The tests build its OpenAPI document; the handlers answer
// from memory, enough for a real error response to be checked against the document.
import {
  Aex,
  body,
  del,
  get,
  inject,
  paginate,
  params,
  post,
  put,
  query,
  type AexRequest,
  type AexResponse,
  type RouteScope,
} from "@aex/core";
import { auth, type AuthUser } from "@aex/auth";
import { operationId, returns, summary, type OpenApiOptions } from "@aex/openapi";
import { z } from "zod";

const SECRET = "a-realworld-test-secret-long-enough-for-hs256";
const required = auth({ keys: SECRET, scheme: "Token" });
const optional = auth({ keys: SECRET, scheme: "Token", optional: true });

// Entities name themselves (zod's `id`): each is one component, wherever it is used.
const User = z
  .object({
    email: z.email(),
    token: z.string(),
    username: z.string(),
    bio: z.string().nullable(),
    image: z.string().nullable(),
  })
  .meta({ id: "User" });
const Profile = z
  .object({ username: z.string(), bio: z.string().nullable(), image: z.string().nullable(), following: z.boolean() })
  .meta({ id: "Profile" });
const Article = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    body: z.string(),
    tagList: z.array(z.string()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    favorited: z.boolean(),
    favoritesCount: z.number().int(),
    author: Profile,
  })
  .meta({ id: "Article" });
const Comment = z
  .object({
    id: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    body: z.string(),
    author: Profile,
  })
  .meta({ id: "Comment" });

// The envelopes are named by the `schemas` option, as RealWorld's own OpenAPI names them.
const UserResponse = z.object({ user: User });
const ProfileResponse = z.object({ profile: Profile });
const SingleArticleResponse = z.object({ article: Article });
const MultipleArticlesResponse = z.object({ articles: z.array(Article), articlesCount: z.number().int() });
const SingleCommentResponse = z.object({ comment: Comment });
const MultipleCommentsResponse = z.object({ comments: z.array(Comment) });
const TagsResponse = z.object({ tags: z.array(z.string()) });

const LoginUser = z.object({ user: z.object({ email: z.email(), password: z.string().min(1) }) });
const NewUser = z.object({
  user: z.object({ username: z.string().min(1), email: z.email(), password: z.string().min(8) }),
});
const UpdateUser = z.object({
  user: z.object({
    email: z.email().optional(),
    password: z.string().min(8).optional(),
    username: z.string().min(1).optional(),
    bio: z.string().optional(),
    image: z.string().optional(),
  }),
});
const NewArticle = z.object({
  article: z.object({
    title: z.string().min(1),
    description: z.string().min(1),
    body: z.string().min(1),
    tagList: z.array(z.string()).optional(),
  }),
});
const UpdateArticle = z.object({
  article: z.object({ title: z.string().optional(), description: z.string().optional(), body: z.string().optional() }),
});
const NewComment = z.object({ comment: z.object({ body: z.string().min(1) }) });
const ArticlesQuery = z.object({
  tag: z.string().optional(),
  author: z.string().optional(),
  favorited: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
const CommentParams = z.object({ slug: z.string(), id: z.coerce.number().int() });

/** What the document is written with. */
export const REALWORLD_OPTIONS: OpenApiOptions = {
  info: {
    title: "Conduit API",
    version: "1.0.0",
    description: "The RealWorld backend, written with Aex.",
    license: { name: "MIT", identifier: "MIT" },
  },
  servers: [{ url: "https://conduit.aex.dev/api", description: "Production" }],
  schemas: {
    UserResponse,
    ProfileResponse,
    SingleArticleResponse,
    MultipleArticlesResponse,
    SingleCommentResponse,
    MultipleCommentsResponse,
    TagsResponse,
  },
  tags: {
    Users: "Registration, login and the current user",
    Profiles: "Profiles and following",
    Articles: "Articles, the feed and favorites",
    Comments: "Comments on articles",
    Tags: "The tags in use",
  },
};

const now = "2026-01-01T00:00:00.000Z";
const profileOf = (username: string) => ({ username, bio: null, image: null, following: false });
const articleOf = (slug: string) => ({
  slug,
  title: slug,
  description: "",
  body: "",
  tagList: [],
  createdAt: now,
  updatedAt: now,
  favorited: false,
  favoritesCount: 0,
  author: profileOf("jake"),
});

class Users {
  @post("/users/login")
  @summary("Log in")
  @body(LoginUser)
  @returns(200, UserResponse, "The user, with a token")
  @returns(401, undefined, "Wrong email or password")
  login(_req: AexRequest, res: AexResponse, scope: RouteScope<"/users/login", { body: z.output<typeof LoginUser> }>) {
    res.json({ user: { email: scope.body.user.email, token: "t", username: "jake", bio: null, image: null } });
  }

  @post("/users")
  @summary("Register")
  @body(NewUser)
  @returns(201, UserResponse, "The new user")
  register(_req: AexRequest, res: AexResponse, scope: RouteScope<"/users", { body: z.output<typeof NewUser> }>) {
    const { email, username } = scope.body.user;
    res.status(201).json({ user: { email, token: "t", username, bio: null, image: null } });
  }

  @get("/user")
  @summary("The current user")
  @required
  @returns(200, UserResponse, "The current user")
  current(_req: AexRequest, res: AexResponse, scope: RouteScope<"/user", { user: AuthUser }>) {
    res.json({ user: { email: "jake@jake.jake", token: "t", username: scope.user.sub ?? "", bio: null, image: null } });
  }

  @put("/user")
  @summary("Update the current user")
  @required
  @body(UpdateUser)
  @returns(200, UserResponse, "The updated user")
  update(_req: AexRequest, res: AexResponse) {
    res.json({ user: { email: "jake@jake.jake", token: "t", username: "jake", bio: null, image: null } });
  }
}

class Profiles {
  @get("/profiles/:username")
  @summary("A profile")
  @optional
  @returns(200, ProfileResponse, "The profile")
  @returns(404, undefined, "No such user")
  profile(_req: AexRequest, res: AexResponse, scope: RouteScope<"/profiles/:username">) {
    res.json({ profile: profileOf(scope.params.username) });
  }

  @post("/profiles/:username/follow")
  @summary("Follow a user")
  @required
  @returns(200, ProfileResponse, "The profile, followed")
  follow(_req: AexRequest, res: AexResponse, scope: RouteScope<"/profiles/:username/follow">) {
    res.json({ profile: { ...profileOf(scope.params.username), following: true } });
  }

  @del("/profiles/:username/follow")
  @summary("Unfollow a user")
  @required
  @returns(200, ProfileResponse, "The profile, not followed")
  unfollow(_req: AexRequest, res: AexResponse, scope: RouteScope<"/profiles/:username/follow">) {
    res.json({ profile: profileOf(scope.params.username) });
  }
}

class Articles {
  @get("/articles/feed")
  @summary("The feed: articles of followed users")
  @required
  @inject(paginate(20))
  @returns(200, MultipleArticlesResponse, "A page of the feed")
  feed(_req: AexRequest, res: AexResponse) {
    res.json({ articles: [], articlesCount: 0 });
  }

  @get("/articles")
  @summary("Articles, newest first")
  @optional
  @query(ArticlesQuery)
  @returns(200, MultipleArticlesResponse, "A page of articles")
  list(_req: AexRequest, res: AexResponse) {
    res.json({ articles: [], articlesCount: 0 });
  }

  @post("/articles")
  @summary("Create an article")
  @required
  @body(NewArticle)
  @returns(201, SingleArticleResponse, "The new article")
  create(_req: AexRequest, res: AexResponse, scope: RouteScope<"/articles", { body: z.output<typeof NewArticle> }>) {
    res
      .status(201)
      .json({ article: { ...articleOf("new"), ...scope.body.article, tagList: scope.body.article.tagList ?? [] } });
  }

  @get("/articles/:slug")
  @summary("An article")
  @returns(200, SingleArticleResponse, "The article")
  @returns(404, undefined, "No such article")
  one(_req: AexRequest, res: AexResponse, scope: RouteScope<"/articles/:slug">) {
    res.json({ article: articleOf(scope.params.slug) });
  }

  @put("/articles/:slug")
  @summary("Update an article")
  @required
  @body(UpdateArticle)
  @returns(200, SingleArticleResponse, "The updated article")
  @returns(403, undefined, "Not the article's author")
  @returns(404, undefined, "No such article")
  update(_req: AexRequest, res: AexResponse, scope: RouteScope<"/articles/:slug">) {
    res.json({ article: articleOf(scope.params.slug) });
  }

  @del("/articles/:slug")
  @summary("Delete an article")
  @required
  @returns(204, undefined, "Deleted")
  @returns(403, undefined, "Not the article's author")
  @returns(404, undefined, "No such article")
  remove(_req: AexRequest, res: AexResponse) {
    res.status(204).end();
  }

  @post("/articles/:slug/favorite")
  @summary("Favorite an article")
  @operationId("favoriteArticle")
  @required
  @returns(200, SingleArticleResponse, "The article, favorited")
  favorite(_req: AexRequest, res: AexResponse, scope: RouteScope<"/articles/:slug/favorite">) {
    res.json({ article: { ...articleOf(scope.params.slug), favorited: true, favoritesCount: 1 } });
  }

  @del("/articles/:slug/favorite")
  @summary("Unfavorite an article")
  @operationId("unfavoriteArticle")
  @required
  @returns(200, SingleArticleResponse, "The article, not favorited")
  unfavorite(_req: AexRequest, res: AexResponse, scope: RouteScope<"/articles/:slug/favorite">) {
    res.json({ article: articleOf(scope.params.slug) });
  }
}

class Comments {
  @get("/articles/:slug/comments")
  @summary("Comments on an article")
  @optional
  @returns(200, MultipleCommentsResponse, "The comments")
  list(_req: AexRequest, res: AexResponse) {
    res.json({ comments: [] });
  }

  @post("/articles/:slug/comments")
  @summary("Comment on an article")
  @required
  @body(NewComment)
  @returns(200, SingleCommentResponse, "The new comment")
  create(
    _req: AexRequest,
    res: AexResponse,
    scope: RouteScope<"/articles/:slug/comments", { body: z.output<typeof NewComment> }>,
  ) {
    res.json({
      comment: { id: 1, createdAt: now, updatedAt: now, body: scope.body.comment.body, author: profileOf("jake") },
    });
  }

  @del("/articles/:slug/comments/:id")
  @summary("Delete a comment")
  @required
  @params(CommentParams)
  @returns(204, undefined, "Deleted")
  @returns(403, undefined, "Not the comment's author")
  remove(_req: AexRequest, res: AexResponse) {
    res.status(204).end();
  }
}

class Tags {
  @get("/tags")
  @summary("The tags in use")
  @returns(200, TagsResponse, "The tags")
  list(_req: AexRequest, res: AexResponse) {
    res.json({ tags: ["aex"] });
  }
}

/** The Conduit app: invalid input is a 422, as RealWorld answers it. */
export function realWorldApp(): Aex {
  return new Aex({ validationStatus: 422 }).push(Users).push(Profiles).push(Articles).push(Comments).push(Tags);
}
