import { Aex, HttpError, post } from "@aex/core";

class Notes {
  @post("/notes")
  create() {
    throw new HttpError(400, "The note is invalid", {
      code: "NOTE_INVALID",
      details: { errors: [{ field: "title", rule: "minLength", message: "title must not be empty" }] },
    });
  }
}

export function createApp(): Aex {
  return new Aex({ logger: false }).push(Notes);
}

/** Answers errors with the body Aex sent before problem details, for old clients. */
export function withLegacyBodies(aex: Aex): Aex {
  return aex.setErrorHandler((error, _req, res) => {
    res.status(error.status).json({
      statusCode: error.status,
      error: error.statusText,
      message: error.expose ? error.message : error.statusText,
      code: error.code,
    });
  });
}
