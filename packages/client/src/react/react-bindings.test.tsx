// @vitest-environment happy-dom
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AccessGrant } from "../core/access-grant.ts";
import { AuthSession } from "../core/auth-session.ts";
import { inProcessLock } from "../core/in-process-lock.ts";
import { FakeBroadcastHub } from "../testing/fake-broadcast-hub.ts";
import { SesameProvider } from "./sesame-provider.tsx";
import { useAuth } from "./use-auth.ts";

const ann = {
  id: "u1",
  email: "ann@example.com",
  name: "Ann",
  role: "user" as const,
  createdAt: "2026-01-01T00:00:00.000Z",
  emailVerified: false,
};

let issued = 0;
const grant = (user = ann): AccessGrant => ({
  accessToken: `at-${++issued}`,
  accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 600,
  user,
});

/** What a page of the host app would show, through the hook alone. */
function Status() {
  const auth = useAuth();
  if (auth.restoring) return <p>Loading…</p>;
  if (!auth.signedIn) {
    return (
      <div>
        <p>
          Signed out
          {auth.reason ? ` (${auth.reason.code}${auth.reason.elsewhere ? ", elsewhere" : ""})` : ""}
        </p>
        <button type="button" onClick={() => auth.signIn(grant())}>
          Log in
        </button>
      </div>
    );
  }
  return (
    <div>
      <p>
        Hello {auth.user?.name}
        {auth.user?.emailVerified ? " ✓" : ""}
      </p>
      <button type="button" onClick={() => void auth.signOut()}>
        Log out
      </button>
    </div>
  );
}

describe("the React bindings", () => {
  const roots: Root[] = [];
  const hub = new FakeBroadcastHub();
  const lock = inProcessLock();

  beforeAll(() => {
    // Tells React that updates are wrapped in act(), as in a test they are.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  });
  afterEach(() => {
    for (const root of roots.splice(0)) act(() => root.unmount());
    document.body.innerHTML = "";
  });

  function newSession(refresh: () => Promise<AccessGrant> = async () => grant()) {
    return new AuthSession({
      refresh,
      logout: async () => ({ ok: true }),
      lock,
      channel: hub.channel(),
    });
  }

  /** Renders `<Status>` for `session` in a container of its own, as one tab would. */
  function render(session: AuthSession) {
    const container = document.createElement("div");
    document.body.append(container);
    const root = createRoot(container);
    roots.push(root);
    act(() =>
      root.render(
        <SesameProvider session={session}>
          <Status />
        </SesameProvider>,
      ),
    );
    return {
      text: () => container.querySelector("p")?.textContent,
      click: (name: string) =>
        act(async () => {
          const button = [...container.querySelectorAll("button")].find(
            (b) => b.textContent === name,
          );
          button?.click();
        }),
    };
  }

  it("shows the restore, then the user it brought, then the sign-out", async () => {
    const session = newSession();
    const page = render(session);
    expect(page.text()).toBe("Loading…");

    await act(() => session.restore());
    expect(page.text()).toBe("Hello Ann");

    await page.click("Log out");
    expect(page.text()).toBe("Signed out (SIGNED_OUT)");
  });

  it("signs in from the hook, and a visitor with no session sees no reason", async () => {
    const session = newSession(() =>
      Promise.reject(
        Object.assign(new Error("no cookie"), { data: { authCode: "TOKEN_MISSING" } }),
      ),
    );
    const page = render(session);
    await act(() => session.restore());
    expect(page.text()).toBe("Signed out");

    await page.click("Log in");
    expect(page.text()).toBe("Hello Ann");
  });

  it("follows another tab: its sign-out signs this page out, saying where it happened", async () => {
    const here = newSession();
    const there = newSession();
    const page = render(here);
    await act(() => here.restore());

    await act(() => there.logout());

    await vi.waitFor(() => expect(page.text()).toBe("Signed out (SIGNED_OUT, elsewhere)"));
  });

  it("re-renders with the user a refresh brought news of", async () => {
    let user = ann;
    const session = newSession(async () => grant(user));
    const page = render(session);
    await act(() => session.restore());
    expect(page.text()).toBe("Hello Ann");

    user = { ...ann, emailVerified: true };
    await act(() => session.refresh(session.accessToken));

    expect(page.text()).toBe("Hello Ann ✓");
  });

  it("says what is missing when used outside the provider", () => {
    const root = createRoot(document.createElement("div"));
    roots.push(root);
    // React reports the error it rethrows; keep the test's output clean.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => act(() => root.render(<Status />))).toThrow(/inside <SesameProvider>/);
    quiet.mockRestore();
  });
});
