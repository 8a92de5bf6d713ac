import { describe, expect, it } from "vitest";
import { routeOf } from "../../src/adapters/telegram/intake.ts";
import { GROUP_COMMAND_MENU } from "../../src/core/commands.ts";
import { BOT_INFO } from "../helpers/bot-harness.ts";

const GROUP = { id: -100777, type: "supergroup", title: "BKPSDM" };
const PRIVATE = { id: 55, type: "private", first_name: "Budi" };
const from = { id: 9, is_bot: false, first_name: "Ani" };
const message = (chat: object, extra: object) => ({
  update_id: 1,
  message: { message_id: 3, date: 1, chat, from, ...extra },
});
const command = (chat: object, text: string) =>
  message(chat, { text, entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] });
const button = (chat: object | undefined, data: string) => ({
  update_id: 1,
  callback_query: {
    id: "q",
    from,
    chat_instance: "c",
    data,
    ...(chat !== undefined ? { message: { message_id: 3, date: 1, chat, text: "x" } } : {}),
  },
});

describe("routeOf: which lane a raw Telegram update takes, and what costs nothing", () => {
  it("takes in every command of the group menu (a command missing from GROUP_COMMANDS would be dropped as chatter)", () => {
    for (const { command: name } of GROUP_COMMAND_MENU)
      expect(routeOf(command(GROUP, `/${name}`) as never, BOT_INFO), name).toEqual({
        lane: "group",
        chat: -100777,
      });
  });

  it.each([
    ["a private text", message(PRIVATE, { text: "halo" }), { lane: "private", chat: 55 }],
    [
      "a private sticker (answered: not supported)",
      message(PRIVATE, { sticker: { file_id: "s" } }),
      { lane: "private", chat: 55 },
    ],
    ["a private button", button(PRIVATE, "b|menu|mulai|0|aaaa"), { lane: "private", chat: 55 }],
    ["a group command of the bot", command(GROUP, "/kasus"), { lane: "group", chat: -100777 }],
    [
      "a group /start (pointed to the private chat)",
      command(GROUP, "/start"),
      { lane: "group", chat: -100777 },
    ],
    [
      "a group command addressed to the bot",
      command(GROUP, "/hubungkan@PanduTestBot kab bogor"),
      { lane: "group", chat: -100777 },
    ],
    [
      "a reply to the bot's message in a group",
      message(GROUP, {
        text: "sudah",
        reply_to_message: {
          message_id: 2,
          date: 1,
          chat: GROUP,
          from: { id: BOT_INFO.id, is_bot: true, first_name: "Pandu" },
          text: "Kasus #4",
        },
      }),
      { lane: "group", chat: -100777 },
    ],
    [
      "a reply in a group to a message whose author is not given",
      message(GROUP, { text: "sudah", reply_to_message: { message_id: 2, date: 1, chat: GROUP, text: "x" } }),
      { lane: "group", chat: -100777 },
    ],
    [
      "a message in a forum topic",
      message(GROUP, { text: "sudah", is_topic_message: true, message_thread_id: 8 }),
      { lane: "group", chat: -100777 },
    ],
    ["a desk button in a group", button(GROUP, "d|a|12|sig"), { lane: "group", chat: -100777 }],
    ["group chatter", message(GROUP, { text: "selamat pagi semua" }), "ignore"],
    [
      "a reply to a person in a group",
      message(GROUP, {
        text: "ok",
        reply_to_message: { message_id: 2, date: 1, chat: GROUP, from, text: "x" },
      }),
      "ignore",
    ],
    ["a command the bot does not know, in a group", command(GROUP, "/foo"), "ignore"],
    ["another bot's command in a group", command(GROUP, "/start@OtherBot"), "ignore"],
    ["a service message in a group", message(GROUP, { new_chat_members: [from] }), "ignore"],
    ["a stray button in a group", button(GROUP, "b|menu|mulai|0|aaaa"), "direct"],
    ["a button on an inline message", button(undefined, "x"), "direct"],
    [
      "an inline query",
      { update_id: 1, inline_query: { id: "i", from, query: "token", offset: "" } },
      "direct",
    ],
    [
      "a channel post",
      {
        update_id: 1,
        channel_post: { message_id: 1, date: 1, chat: { id: -1001, type: "channel", title: "c" }, text: "x" },
      },
      "ignore",
    ],
    [
      "the bot added to or removed from a group (its route may break or heal)",
      { update_id: 1, my_chat_member: { chat: GROUP, from, date: 1 } },
      { lane: "group", chat: -100777 },
    ],
    [
      "the group became a supergroup (its route follows)",
      message(GROUP, { migrate_to_chat_id: -100999 }),
      { lane: "group", chat: -100777 },
    ],
    [
      "an edited private message (checked for a secret)",
      {
        update_id: 1,
        edited_message: { message_id: 3, date: 1, edit_date: 2, chat: PRIVATE, from, text: "x" },
      },
      { lane: "private", chat: 55 },
    ],
    [
      "an edited group message",
      {
        update_id: 1,
        edited_message: { message_id: 3, date: 1, edit_date: 2, chat: GROUP, from, text: "/kasus" },
      },
      "ignore",
    ],
    ["a claim decision in a manager group", button(GROUP, "c|a|7|sig"), { lane: "group", chat: -100777 }],
    ["a contact-card button in a group", button(GROUP, "n|s|32.01|sig"), { lane: "group", chat: -100777 }],
  ])("%s", (_label, update, route) => {
    expect(routeOf(update as never, BOT_INFO)).toEqual(route);
  });
});
