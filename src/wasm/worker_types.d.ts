/** One inbound webhook request, as `parseWebhook` takes it. */
export interface WebhookInput {
  provider: string;
  /** teklink: the secret path segment. */
  pathSecret?: string;
  /** textlink: which webhook the URL is for (`?event=`). */
  event?: "received" | "sent" | "failed" | "tag";
  headers: [string, string][];
  body: Uint8Array;
}

/** The worker's secrets, by their env names. */
export interface WebhookSecretsEnv {
  TEXTLINK_WEBHOOK_SECRET?: string;
  TEKLINK_WEBHOOK_SECRET?: string;
  RELAY_CALLBACK_TOKEN?: string;
  KLINK_WEBHOOK_SECRET?: string;
}

/** A unified inbound event. */
export interface InboundEvent {
  id: string;
  provider: ProviderName;
  type: "message.received" | "message.sent" | "message.failed" | "message.status" | "contact.tag_changed" | "call.missed" | "call.answered" | "call";
  from: string | null;
  to: string | null;
  text: string | null;
  channel: string | null;
  messageId: string | null;
  status: MessageStatus["status"] | null;
  error: string | null;
  tag: string | null;
  occurredAt: string;
  raw: unknown;
}

/** What `parseWebhook` decided. */
export type WebhookResult =
  | { ok: true; status: 200; events: { rank: number; event: InboundEvent }[] }
  | { ok: false; status: 400 | 401 | 404 | 413; error: string };
