// Public API of @conduit-chat/mail. The dispatcher itself is being built (issue #5).
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
