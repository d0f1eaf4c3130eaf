import { describe, expect, it } from "vitest";
import { MAX_REDIRECTS, redirectTo } from "../../../../src/api/wire/redirects.js";

const FROM = "https://admin.vps.org/api/v1/snapshots/?server_id=1";

describe("redirects are followed on the same origin only, at most five times", () => {
  it("follows an absolute Location on the same origin", () => {
    expect(redirectTo("https://admin.vps.org/api/v2/snapshots/", FROM, 0)).toEqual({
      follow: true,
      url: new URL("https://admin.vps.org/api/v2/snapshots/"),
    });
  });

  it.each([
    ["/api/v2/snapshots/?page=2", "https://admin.vps.org/api/v2/snapshots/?page=2"],
    ["?server_id=1&x=1", "https://admin.vps.org/api/v1/snapshots/?server_id=1&x=1"],
    ["../servers/", "https://admin.vps.org/api/v1/servers/"],
  ])("reads a relative Location (%s) against the URL asked", (location, followed) => {
    expect(redirectTo(location, FROM, 0)).toEqual({ follow: true, url: new URL(followed) });
  });

  it.each([
    ["https://collector.example/steal", "https://collector.example"],
    ["http://admin.vps.org/api/v1/snapshots/", "http://admin.vps.org"],
    ["https://admin.vps.org:8443/api/v1/snapshots/", "https://admin.vps.org:8443"],
    ["//collector.example/steal", "https://collector.example"],
  ])("refuses another origin (%s), naming it", (location, origin) => {
    expect(redirectTo(location, FROM, 0)).toEqual({
      follow: false,
      reason: "another-origin",
      origin,
    });
  });

  it("refuses a Location that cannot be read as another origin, not named", () => {
    expect(redirectTo("http://[::1", FROM, 0)).toEqual({
      follow: false,
      reason: "another-origin",
      origin: undefined,
    });
  });

  it("follows the fifth redirect and refuses the sixth", () => {
    expect(MAX_REDIRECTS).toBe(5);
    expect(redirectTo("/next", FROM, 4)).toMatchObject({ follow: true });
    expect(redirectTo("/next", FROM, 5)).toEqual({ follow: false, reason: "too-many" });
  });

  it("refuses another origin whatever the count, as another origin", () => {
    expect(redirectTo("https://collector.example/", FROM, 5)).toMatchObject({
      reason: "another-origin",
    });
  });
});
