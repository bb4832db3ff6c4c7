// Rendering: builds DOM from the store with textContent only (message text is never
// parsed as HTML). Lists are reconciled by key so that a new message does not rebuild
// the others, which keeps focus, scroll position and screen-reader announcements sane.

import { mentionPattern } from './store.js';

export const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

const STATE_LABELS = {
  connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline',
};

export const $ = (id) => document.getElementById(id);

/** Small element builder: el('button', { type: 'button', onclick }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let alertTimer;
export function showError(text) {
  const alert = $('alert');
  alert.textContent = text;
  alert.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { alert.hidden = true; }, 8000);
}

export function clearError() {
  $('alert').hidden = true;
}

export function renderConnection(state) {
  const node = $('connection');
  node.dataset.state = state;
  node.textContent = STATE_LABELS[state] || state;
}

export function presenceDot(status, label) {
  return el('span', { className: 'presence', 'data-status': status, 'data-testid': 'presence-dot',
    role: 'img', 'aria-label': `${label}: ${status}` });
}

/**
 * Rebuilds a list's children from items [{key, sig, build}] reusing nodes whose
 * signature did not change, and puts back the keyboard focus a rebuilt node held.
 */
export function reconcile(list, items) {
  const focusKey = document.activeElement?.closest?.('[data-key]') && list.contains(document.activeElement)
    ? document.activeElement.dataset.focus : undefined;
  const existing = new Map([...list.children].map((node) => [node.dataset.key, node]));
  const wanted = new Set(items.map((item) => item.key));
  for (const [key, node] of existing) if (!wanted.has(key)) node.remove();
  let previous = null;
  for (const item of items) {
    let node = existing.get(item.key);
    if (!node || node.sig !== item.sig) {
      const fresh = item.build();
      fresh.dataset.key = item.key;
      fresh.sig = item.sig;
      if (node) node.replaceWith(fresh);
      node = fresh;
    }
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== node) list.insertBefore(node, expected);
    previous = node;
  }
  if (focusKey && !list.contains(document.activeElement)) {
    list.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }
}

export function renderChatList(store, openChatId, onOpen) {
  const items = store.sortedChats().map((chat) => {
    const title = store.chatTitle(chat);
    const other = chat.type === 'direct' ? store.otherMember(chat) : null;
    const status = other ? store.presenceOf(other) : null;
    const preview = previewOf(store, chat.lastMessage);
    const unread = chat.unreadCount || 0;
    return {
      key: chat.id,
      sig: JSON.stringify([title, status, preview, unread, chat.id === openChatId]),
      build: () => el('li', {},
        el('button', {
          type: 'button', 'data-testid': 'chat-item', 'data-chat-id': chat.id, 'data-focus': `chat:${chat.id}`,
          'aria-current': chat.id === openChatId ? 'true' : undefined, onclick: () => onOpen(chat.id),
          'aria-label': `${title}${unread ? `, ${unread} unread` : ''}${preview ? `: ${preview}` : ''}`,
        },
        status ? presenceDot(status, title) : el('span', { className: 'group-mark', 'aria-hidden': 'true' }, '#'),
        el('span', { className: 'chat-name', 'data-testid': 'chat-name' }, title),
        el('span', { className: 'unread', 'data-testid': 'unread-count', hidden: unread === 0 }, unread),
        el('span', { className: 'preview', 'data-testid': 'chat-preview' }, preview)),
      ),
    };
  });
  reconcile($('chat-list'), items);
}

function previewOf(store, message) {
  if (!message) return '';
  const who = message.senderId === store.me?.id ? 'You' : store.displayName(message.senderId);
  return `${who}: ${message.deleted ? 'message deleted' : message.content}`;
}

export function renderChatHeader(store, chat) {
  $('chat-title').textContent = chat ? store.chatTitle(chat) : 'Pick a chat';
  const presence = $('chat-presence');
  presence.replaceChildren();
  if (!chat) return;
  if (chat.type === 'direct') {
    const other = store.otherMember(chat);
    if (other) {
      const status = store.presenceOf(other);
      presence.append(presenceDot(status, store.chatTitle(chat)), ` ${status}`);
    }
  } else {
    presence.append(`${chat.members.length} members`);
  }
}

/**
 * The open chat's messages, oldest first, then messages still being sent.
 * @param view { editingSeq, quote(seq) -> message|undefined, actions }
 */
export function renderMessages(store, chat, view) {
  const me = store.me.id;
  const readers = store.readers.get(chat.id);
  const seenUpTo = readers ? Math.max(0, ...readers.values()) : 0;
  const messages = store.messagesOf(chat.id);
  const lastMine = [...messages].reverse().find((m) => m.senderId === me && !m.deleted);
  const items = messages.map((message) => {
    const quote = message.replyToSeq ? view.quote(message.replyToSeq) : undefined;
    const seen = lastMine === message && message.seq <= seenUpTo;
    const sender = message.senderId === me ? 'You' : store.displayName(message.senderId);
    const editing = view.editingSeq === message.seq;
    return {
      key: `m:${message.seq}`,
      sig: JSON.stringify([message, quote?.content, quote?.deleted, seen, sender, editing]),
      build: () => messageItem(store, message, { quote, seen, sender, editing, actions: view.actions }),
    };
  });
  for (const pending of store.pendingOf(chat.id)) {
    items.push({
      key: `p:${pending.clientMessageId}`,
      sig: JSON.stringify(pending),
      build: () => pendingItem(store, pending, view.actions),
    });
  }
  reconcile($('message-list'), items);
  $('load-older').hidden = !store.timeline(chat.id).hasMore;
}

function messageItem(store, message, { quote, seen, sender, editing, actions }) {
  const mine = message.senderId === store.me.id;
  const mentions = !message.deleted && store.mentionsMe(message.content);
  const key = `m:${message.seq}`;
  const classes = ['message', mine && 'mine', message.deleted && 'deleted', mentions && 'mentions-me', editing && 'editing']
    .filter(Boolean).join(' ');
  return el('li', { className: classes, 'data-testid': 'message', 'data-seq': message.seq,
    'data-client-id': message.clientMessageId || undefined, 'data-sender': message.senderId },
  el('div', { className: 'meta' },
    el('span', { className: 'sender', 'data-testid': 'message-sender' }, sender),
    el('time', { datetime: message.sentAt }, formatTime(message.sentAt)),
    message.editedAt && !message.deleted ? el('span', { 'data-testid': 'edited' }, '(edited)') : null,
    seen ? el('span', { 'data-testid': 'seen' }, 'Seen') : null),
  message.replyToSeq ? quoteBlock(store, message.replyToSeq, quote) : null,
  el('p', { className: 'content', 'data-testid': 'message-content' },
    message.deleted ? 'This message was deleted.' : highlightMentions(message.content, store.me.username)),
  message.deleted ? null : reactionsRow(store, message, key, actions),
  message.deleted ? null : el('div', { className: 'actions' },
    el('button', { type: 'button', 'data-focus': `${key}:reply`, 'data-testid': 'reply',
      onclick: () => actions.reply(message) }, 'Reply'),
    el('button', { type: 'button', 'data-focus': `${key}:react`, 'data-testid': 'react', 'aria-expanded': 'false',
      onclick: (e) => togglePicker(e.currentTarget) }, 'React'),
    el('span', { className: 'picker', hidden: true, role: 'group', 'aria-label': 'Pick a reaction' },
      EMOJIS.map((emoji) => el('button', { type: 'button', 'data-focus': `${key}:pick:${emoji}`,
        'aria-label': `React with ${emoji}`, onclick: () => actions.toggleReaction(message, emoji) }, emoji))),
    mine ? el('button', { type: 'button', 'data-focus': `${key}:edit`, 'data-testid': 'edit',
      onclick: () => actions.edit(message) }, 'Edit') : null,
    mine ? el('button', { type: 'button', 'data-focus': `${key}:delete`, 'data-testid': 'delete',
      onclick: () => actions.remove(message) }, 'Delete') : null));
}

function togglePicker(button) {
  const picker = button.nextElementSibling;
  picker.hidden = !picker.hidden;
  button.setAttribute('aria-expanded', String(!picker.hidden));
  if (!picker.hidden) picker.querySelector('button')?.focus();
}

function reactionsRow(store, message, key, actions) {
  const entries = Object.entries(message.reactions || {}).filter(([, users]) => users.length);
  if (!entries.length) return null;
  return el('div', { className: 'reactions', 'data-testid': 'reactions' }, entries.map(([emoji, users]) => {
    const mine = users.includes(store.me.id);
    return el('button', { type: 'button', 'aria-pressed': String(mine), 'data-focus': `${key}:reaction:${emoji}`,
      'data-testid': 'reaction', 'data-emoji': emoji,
      'aria-label': `${emoji} ${users.length}${mine ? ', including you' : ''}`,
      onclick: () => actions.toggleReaction(message, emoji) }, `${emoji} ${users.length}`);
  }));
}

function quoteBlock(store, seq, quote) {
  let text = 'Loading…';
  if (quote) text = `${store.displayName(quote.senderId)}: ${quote.deleted ? 'message deleted' : quote.content}`;
  return el('blockquote', { className: 'quote', 'data-testid': 'quote' }, `Reply to ${text}`);
}

function pendingItem(store, pending, actions) {
  const failed = pending.status === 'failed';
  return el('li', { className: `message mine pending${failed ? ' failed' : ''}`, 'data-testid': 'message',
    'data-pending': pending.status, 'data-client-id': pending.clientMessageId },
  el('div', { className: 'meta' },
    el('span', { className: 'sender' }, 'You'),
    failed
      ? el('span', { className: 'status-failed', 'data-testid': 'send-status' }, `Not sent: ${pending.error}`)
      : el('span', { 'data-testid': 'send-status' }, 'Sending…')),
  el('p', { className: 'content', 'data-testid': 'message-content' }, highlightMentions(pending.content, store.me.username)),
  failed ? el('div', { className: 'actions' },
    el('button', { type: 'button', 'data-focus': `p:${pending.clientMessageId}:retry`, 'data-testid': 'retry',
      onclick: () => actions.retry(pending.clientMessageId) }, 'Retry'),
    el('button', { type: 'button', 'data-focus': `p:${pending.clientMessageId}:discard`,
      onclick: () => actions.discard(pending.clientMessageId) }, 'Discard')) : null);
}

/** Text with the current user's @mentions wrapped in <mark>. */
export function highlightMentions(text, username) {
  const parts = [];
  const pattern = new RegExp(mentionPattern(username).source, 'gi');
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index + match[1].length;
    parts.push(text.slice(last, start), el('mark', { className: 'mention', 'data-testid': 'mention' }, match[2]));
    last = start + match[2].length;
  }
  parts.push(text.slice(last));
  return parts;
}

export function renderTyping(store, chatId) {
  const names = chatId ? store.typingIn(chatId).map((id) => store.displayName(id)) : [];
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length > 1) text = `${names.join(', ')} are typing…`;
  if ($('typing').textContent !== text) $('typing').textContent = text;
}

export function renderNotifications(store, onOpen) {
  const unread = store.notifications.filter((n) => !n.read).length;
  $('notifications-count').textContent = unread;
  $('notifications-count').hidden = unread === 0;
  const list = $('notifications-list');
  list.replaceChildren(...store.notifications.map((n) => el('li', {
    className: n.read ? '' : 'unread', 'data-testid': 'notification', 'data-read': String(n.read) },
  el('button', { type: 'button', onclick: () => onOpen(n.chatId) },
    `${n.kind === 'mention' ? 'Mentioned by' : 'Message from'} ${store.displayName(n.fromUserId)}: ${n.preview}`),
  el('small', {}, formatTime(n.createdAt)))));
  if (!store.notifications.length) list.append(el('li', {}, 'Nothing new.'));
}

function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}
