// The notes page: a few fetch calls and a WebSocket. Text goes in with textContent,
// never innerHTML, so a note can't inject markup.
"use strict";

// The page's CSRF token: every unsafe request sends it back (403 otherwise).
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json", "X-CSRF-Token": csrfToken } : { "X-CSRF-Token": csrfToken },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(data?.details?.message ?? data?.message ?? res.statusText);
  return data;
}

function noteElement(note) {
  const li = document.createElement("li");
  li.dataset.id = note.id;
  const title = document.createElement("h2");
  title.textContent = note.title;
  const text = document.createElement("p");
  text.textContent = note.text;
  const remove = document.createElement("button");
  remove.textContent = "Delete";
  remove.addEventListener("click", () => api("DELETE", `/api/notes/${encodeURIComponent(note.id)}`));
  li.append(remove, title, text);
  return li;
}

function showNote(list, note) {
  if (!list.querySelector(`li[data-id="${CSS.escape(note.id)}"]`)) list.prepend(noteElement(note));
}

const login = document.getElementById("login");
if (login) {
  login.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(login);
    try {
      await api("POST", "/api/login", { username: form.get("username"), password: form.get("password") });
      location.reload();
    } catch (error) {
      document.getElementById("error").textContent = error.message;
    }
  });
}

const list = document.getElementById("notes");
if (list) {
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/logout");
    location.reload();
  });

  const add = document.getElementById("add-note");
  add.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(add);
    const note = await api("POST", "/api/notes", { title: form.get("title"), text: form.get("text") });
    showNote(list, note);
    add.reset();
  });

  api("GET", "/api/notes?limit=50").then(({ notes }) => notes.reverse().forEach((note) => showNote(list, note)));

  const status = document.getElementById("status");
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/live`);
    socket.addEventListener("open", () => (status.textContent = "Live"));
    socket.addEventListener("message", (message) => {
      const { event, data } = JSON.parse(message.data);
      if (event === "note:added") showNote(list, data);
      if (event === "note:removed") list.querySelector(`li[data-id="${CSS.escape(data.id)}"]`)?.remove();
    });
    socket.addEventListener("close", () => {
      status.textContent = "Reconnecting…";
      setTimeout(connect, 1000);
    });
  };
  connect();
}
