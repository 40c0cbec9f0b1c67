// Public API of @conduit-chat/mail: every export is named here (no `export *`).
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { DispatcherOptions, QueueLimits } from './create-dispatcher.js';
export { createDispatcher } from './create-dispatcher.js';
export type { MailTransportConfig, MailTransportOptions } from './create-mail-transport.js';
export { createMailTransport } from './create-mail-transport.js';
export type { MailAddress } from './email-address.js';
export { isStrictEmail, parseSender } from './email-address.js';
export type { FailureKind, MailErrorCode } from './errors.js';
export { MAIL_ERROR_CODE_LIST, MAIL_ERROR_CODES, MailError, SendError } from './errors.js';
export { escapeHtml } from './escape-html.js';
export { jobRef, messageIdFor } from './job-ref.js';
export type {
  Dispatcher,
  DispatcherStats,
  DispatchResult,
  JobSite,
  MailJob,
  OfflineJob,
  TechnicalData,
  TranscriptJob,
  TranscriptMessage,
} from './jobs.js';
export type { MailLimits } from './limits.js';
export { MAIL_LIMITS } from './limits.js';
export type { LogTransportOptions } from './log-transport.js';
export { logTransport } from './log-transport.js';
export type { MailLogger } from './mail-logger.js';
export { silentLogger } from './mail-logger.js';
export { isPublicAddress } from './public-address.js';
export { renderMail } from './render-mail.js';
export { renderOffline } from './render-offline.js';
export type { RenderedBody } from './render-parts.js';
export type { TranscriptBudget } from './render-transcript.js';
export { renderTranscript } from './render-transcript.js';
export { renderWebhook, validateWebhookJob } from './render-webhook.js';
export type { AttemptState, RetryDecision, RetryOptions } from './retry-policy.js';
export { backoffDelay, DEFAULT_RETRY, decideRetry, resolveRetry } from './retry-policy.js';
export type { SmtpTransportOptions } from './smtp-transport.js';
export { SMTP_DEFAULTS, smtpTransport } from './smtp-transport.js';
export type {
  MailTransport,
  OutgoingMail,
  OutgoingWebhook,
  SendReceipt,
  WebhookTransport,
} from './transport.js';
export { validateJob } from './validate-job.js';
export type {
  ChatEndedData,
  ChatStartedData,
  OfflineMessageData,
  WebhookData,
  WebhookEvent,
  WebhookJob,
  WebhookTarget,
} from './webhook-jobs.js';
export { WEBHOOK_EVENTS } from './webhook-jobs.js';
export type { VerifyWebhookOptions } from './webhook-signature.js';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SEC,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhook-signature.js';
export type { WebhookTransportOptions } from './webhook-transport.js';
export { WEBHOOK_DEFAULTS, webhookTransport } from './webhook-transport.js';
