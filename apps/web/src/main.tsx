import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApi } from "./api/create-api.ts";
import { App } from "./app.tsx";
import "./styles/index.css";

const api = createApi();
// A reload or a new tab has no token in memory: the refresh cookie brings the session back.
void api.session.restore();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");
createRoot(root).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
