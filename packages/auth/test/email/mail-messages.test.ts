import { describe, expect, it } from "vitest";
import { describeLifetime, linkTo, mailMessages } from "../../src/email/mail-messages.ts";

const LINK = "https://id.example.com/reset-password#token=abc_DEF-123";

describe("mail messages", () => {
  it("links are <app>/<page>#token=<token>, whatever the app URL's trailing slash", () => {
    expect(linkTo("https://id.example.com", "reset-password", "abc_DEF-123")).toBe(LINK);
    expect(linkTo("https://id.example.com/", "reset-password", "abc_DEF-123")).toBe(LINK);
  });

  it.each([
    ["verifyEmail", mailMessages.verifyEmail],
    ["resetPassword", mailMessages.resetPassword],
    ["signInLink", mailMessages.signInLink],
    ["confirmEmailChange", mailMessages.confirmEmailChange],
  ])(
    "%s: the text part holds the link exactly once, the HTML part as a button, and the lifetime",
    (_, make) => {
      const mail = make("someone@example.com", LINK, 30 * 60);
      expect(mail.to).toBe("someone@example.com");
      expect(mail.text.match(/https?:\/\/\S+/g)).toEqual([LINK]);
      expect(mail.html).toContain(`href="${LINK}"`);
      expect(mail.text).toContain("30 minutes");
    },
  );

  it("notices carry no link at all", () => {
    for (const mail of [
      mailMessages.passwordResetNotice("a@example.com"),
      mailMessages.emailChangeNotice("a@example.com", "b@example.com"),
    ]) {
      expect(mail.text).not.toMatch(/https?:/);
      expect(mail.html).not.toMatch(/href/);
    }
  });

  it("escapes what it puts in HTML: an address cannot inject markup", () => {
    const mail = mailMessages.emailChangeNotice(
      "a@example.com",
      '"><script>x</script>@example.com',
    );
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
  });

  it("says lifetimes as people do", () => {
    expect(describeLifetime(24 * 3600)).toBe("24 hours");
    expect(describeLifetime(3600)).toBe("1 hour");
    expect(describeLifetime(15 * 60)).toBe("15 minutes");
    expect(describeLifetime(60)).toBe("1 minute");
  });
});
