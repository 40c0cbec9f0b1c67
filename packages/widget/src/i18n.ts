/** Every string the widget shows, in English (the reference table). */
export const EN = {
  open: 'Open chat',
  minimize: 'Close',
  chat: 'Chat',
  online: 'Online',
  away: 'Away',
  unread: '{n} unread',
  message: 'Message',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Delivered',
  failed: 'Not sent',
  typing: '{name} is typing…',
  you: 'You',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected.',
  replaced: 'Open in another tab.',
  retry: 'Retry',
  name: 'Name',
  email: 'E-mail',
  optional: 'optional',
  start: 'Start',
  skip: 'Skip',
  required: 'Required.',
  badEmail: 'Invalid e-mail.',
  tooLong: 'Too long.',
  offline: 'We are away. Leave a message.',
  leave: 'Send',
  thanks: 'Thanks! We will reply by e-mail.',
  end: 'End chat',
  confirm: 'End this chat?',
  cancel: 'Cancel',
  ended: 'Chat ended.',
  newChat: 'New chat',
  lost: 'Previous chat lost.',
  download: 'Transcript',
  sound: 'Sound',
  newMessage: 'New message',
  truncated: 'Older messages hidden.',
  refused: 'Not sent.',
};

/** The keys of the string table. */
export type StringKey = keyof typeof EN;

/** A complete string table. */
export type Strings = Record<StringKey, string>;

// Other languages, values in the key order of EN, separated by "|" (the widget ships in
// every page: one key list instead of five keeps the script-tag bundle small).
const PACKED: Record<string, string> = {
  de: 'Chat öffnen|Schließen|Chat|Online|Nicht da|{n} ungelesen|Nachricht|Senden|Sende…|Zugestellt|Nicht gesendet|{name} schreibt…|Sie|Verbinde…|Verbinde neu…|Getrennt.|In anderem Tab offen.|Erneut|Name|E-Mail|optional|Start|Überspringen|Pflichtfeld.|Ungültige E-Mail.|Zu lang.|Wir sind nicht da. Hinterlassen Sie eine Nachricht.|Senden|Danke! Wir antworten per E-Mail.|Chat beenden|Chat beenden?|Abbrechen|Chat beendet.|Neuer Chat|Vorheriger Chat verloren.|Verlauf|Ton|Neue Nachricht|Ältere Nachrichten ausgeblendet.|Nicht gesendet.',
  fr: 'Ouvrir le chat|Fermer|Chat|En ligne|Absent|{n} non lus|Message|Envoyer|Envoi…|Distribué|Non envoyé|{name} écrit…|Vous|Connexion…|Reconnexion…|Déconnecté.|Ouvert dans un autre onglet.|Réessayer|Nom|E-mail|facultatif|Démarrer|Passer|Obligatoire.|E-mail invalide.|Trop long.|Nous sommes absents. Laissez un message.|Envoyer|Merci ! Réponse par e-mail.|Terminer le chat|Terminer ce chat ?|Annuler|Chat terminé.|Nouveau chat|Chat précédent perdu.|Transcription|Son|Nouveau message|Anciens messages masqués.|Non envoyé.',
  es: 'Abrir chat|Cerrar|Chat|En línea|Ausentes|{n} sin leer|Mensaje|Enviar|Enviando…|Entregado|No enviado|{name} escribe…|Tú|Conectando…|Reconectando…|Desconectado.|Abierto en otra pestaña.|Reintentar|Nombre|Correo|opcional|Iniciar|Omitir|Obligatorio.|Correo no válido.|Demasiado largo.|No estamos. Deja un mensaje.|Enviar|¡Gracias! Responderemos por correo.|Terminar chat|¿Terminar el chat?|Cancelar|Chat terminado.|Chat nuevo|Chat anterior perdido.|Transcripción|Sonido|Mensaje nuevo|Mensajes antiguos ocultos.|No enviado.',
  pt: 'Abrir chat|Fechar|Chat|Online|Ausentes|{n} não lidas|Mensagem|Enviar|Enviando…|Entregue|Não enviada|{name} digitando…|Você|Conectando…|Reconectando…|Desconectado.|Aberto em outra aba.|Tentar de novo|Nome|E-mail|opcional|Iniciar|Pular|Obrigatório.|E-mail inválido.|Longo demais.|Estamos ausentes. Deixe uma mensagem.|Enviar|Obrigado! Responderemos por e-mail.|Encerrar chat|Encerrar o chat?|Cancelar|Chat encerrado.|Novo chat|Chat anterior perdido.|Transcrição|Som|Nova mensagem|Mensagens antigas ocultas.|Não enviada.',
};

/** Language tags shipped with the widget. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt'];

/** The full table of a shipped language (English for anything else). */
export function table(tag: string): Strings {
  const packed = PACKED[tag]?.split('|');
  const keys = Object.keys(EN) as StringKey[];
  return packed ? (Object.fromEntries(keys.map((k, i) => [k, packed[i] ?? EN[k]])) as Strings) : EN;
}

/**
 * The string table for `locale` (a BCP 47 tag; `de-AT` falls back to `de`, anything unknown
 * to English) with `overrides` on top.
 */
export function strings(locale: string | undefined, overrides?: Partial<Strings>): Strings {
  return { ...table((locale ?? '').toLowerCase().split('-')[0] ?? ''), ...overrides };
}

/** Fills the placeholder of a string (`{n}`, `{name}`: each string has at most one). */
export function fill(text: string, value: string | number): string {
  return text.replace(/\{\w+\}/, () => String(value));
}
