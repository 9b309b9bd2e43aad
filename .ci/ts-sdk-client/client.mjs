// Two agents talk to a RogerRat hub through the official TypeScript MCP SDK (software we did not write).
// Usage: node client.mjs <mcp_url>   e.g. node client.mjs http://127.0.0.1:7424/mcp
// Exit 0 when every step worked; otherwise prints why and exits 1.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { readFileSync } from "node:fs";

const url = process.argv[2];
if (!url) {
  console.error("usage: node client.mjs <mcp_url>");
  process.exit(1);
}
const sdkVersion = JSON.parse(readFileSync(new URL("./node_modules/@modelcontextprotocol/sdk/package.json", import.meta.url), "utf8")).version;

class CheckFailed extends Error {}
const check = (ok, why) => {
  if (!ok) throw new CheckFailed(why);
};
const text = (result) => (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");

async function connect(name) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(transport);
  check(transport.sessionId, `${name}: the hub returned no Mcp-Session-Id on initialize`);
  return { client, transport };
}

async function call(agent, name, args) {
  const result = await agent.client.callTool({ name, arguments: args });
  check(result.isError !== true, `${name} failed: ${text(result)}`);
  return result;
}

const open = [];
try {
  const alpha = await connect("ts-alpha");
  open.push(alpha);
  const server = alpha.client.getServerVersion();
  console.log(`connected: ${server?.name} ${server?.version}, protocol ${alpha.transport.protocolVersion ?? "?"}, session ${alpha.transport.sessionId}`);

  const { tools } = await alpha.client.listTools();
  const names = tools.map((t) => t.name);
  for (const required of ["join", "send", "listen", "wait"]) {
    check(names.includes(required), `tools/list lacks '${required}': ${names.join(", ")}`);
  }
  console.log(`tools: ${names.join(", ")}`);

  const created = await call(alpha, "create_channel", { retention: "none" });
  const sc = created.structuredContent;
  check(sc && typeof sc.channel_id === "string" && typeof sc.join_token === "string",
    `create_channel has no structuredContent with channel_id and join_token: ${JSON.stringify(sc)}`);
  console.log(`created channel ${sc.channel_id}`);

  const joined = await call(alpha, "join", { channel_id: sc.channel_id, token: sc.join_token, callsign: "ts-alpha" });
  check(text(joined).includes("Joined channel"), `unexpected join result: ${text(joined)}`);
  const sent = await call(alpha, "send", { to: "all", message: "hello from ts" });
  check(/^sent #\d+/.test(text(sent)), `unexpected send result: ${text(sent)}`);
  console.log(`ts-alpha: ${text(sent)}`);

  const bravo = await connect("ts-bravo");
  open.push(bravo);
  await call(bravo, "join", { channel_id: sc.channel_id, token: sc.join_token, callsign: "ts-bravo" });
  const heard = await call(bravo, "listen", { timeout_seconds: 5 });
  const messages = heard.structuredContent?.messages ?? [];
  check(messages.some((m) => m.from === "ts-alpha" && m.text === "hello from ts") && text(heard).includes("hello from ts"),
    `ts-bravo did not hear "hello from ts": ${text(heard)}`);
  console.log(`ts-bravo heard: ${text(heard).split("\n")[0]}`);

  for (const agent of open.splice(0)) await agent.transport.terminateSession();
  console.log(`ts-sdk-client: OK (@modelcontextprotocol/sdk ${sdkVersion}, node ${process.version})`);
  process.exit(0);
} catch (e) {
  const cause = e?.cause ? ` (cause: ${e.cause.message ?? e.cause})` : "";
  console.error(`ts-sdk-client: FAILED: ${e instanceof CheckFailed ? e.message : e?.stack ?? e}${cause}`);
  for (const agent of open) await agent.transport.terminateSession().catch(() => {});
  process.exit(1);
}
