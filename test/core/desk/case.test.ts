import { describe, expect, it } from "vitest";
import { CASE_VERSION, type Case, type CaseType, renderCard } from "../../../src/core/desk/case.ts";

const TYPE: CaseType = {
  id: "email",
  title: "Perbaikan email akun",
  fields: { nip: "NIP", nama: "Nama", instansi: "Instansi" },
  required: [],
  returnTo: "aktivasi/d-reset",
  returnLabel: "Lanjut",
};

const aCase = (fields: Record<string, string>): Case => ({
  v: CASE_VERSION,
  id: "3",
  type: "email",
  status: "open",
  user: "tg:1",
  group: "tg:-2",
  fallback: false,
  fields,
  createdAt: 0,
  reopened: 0,
  messages: 0,
  redacted: false,
});

describe("renderCard", () => {
  it.each([
    ["198609262015051001", "NIP: 198609262015051001"],
    ["200012312024211001", "NI PPPK: 200012312024211001"],
  ])("labels %s as a NIP or an NI PPPK", (nip, line) => {
    expect(renderCard(aCase({ nip }), TYPE, undefined).text.split("\n")).toContain(line);
  });

  it("marks every value a user typed as inert, exactly", () => {
    const name = "/putuskan@PanduTestBot https://evil.example";
    const { text, inert } = renderCard(
      aCase({ nip: "198609262015051001", nama: name }),
      TYPE,
      "Kabupaten Bogor",
    );
    const spans = inert.map((s) => text.slice(s.offset, s.offset + s.length));
    expect(spans).toEqual(["198609262015051001", name]);
    expect(text).toContain("Instansi: Kabupaten Bogor");
  });
});
