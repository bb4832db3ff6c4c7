// Wires the store, the REST client, the live connection and the views together:
// session (log in, register, expiry), chat list, chat view, composer, notifications.

import { ApiError, createApi, describeError } from './api.js';
import { Store } from './store.js';
import { Connection } from './socket.js';
import * as ui from './ui.js';

const { $ } = ui;
const TOKEN_KEY = 'chatapp.token';
const SYNC_KEY = 'chatapp.syncToken';

let store = null;
let connection = null;
let openChatId = null;
let composer = { mode: 'new', message: null }; // 'new' | 'reply' | 'edit'
const quotes = new Map(); // `${chatId}:${seq}` -> message, for replies to messages not loaded
const readInFlight = new Map(); // chatId -> seq being marked read
let loadingOlder = false;

const api = createApi({
  getToken: () => sessionStorage.getItem(TOKEN_KEY),
  onUnauthorized: () => sessionExpired(),
});

// ---------- session ----------

function showAuth(notice) {
  $('app-view').hidden = true;
  $('auth-view').hidden = false;
  $('auth-notice').textContent = notice || '';
  $('auth-notice').hidden = !notice;
  $('login-username').focus();
}

function sessionExpired() {
  if (!store) return; // already logged out
  endSession();
  showAuth('Your session expired. Please log in again.');
}

function endSession() {
  connection?.stop();
  connection = null;
  store = null;
  openChatId = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SYNC_KEY);
}

async function logIn(username, password) {
  const token = await api.logIn(username, password);
  sessionStorage.setItem(TOKEN_KEY, token.accessToken);
  await startSession();
}

async function startSession() {
  store = new Store();
  const session = store;
  store.onUnknownUser = fetchUser;
  store.onUnknownChat = fetchChat;
  store.onStaleChat = fetchChat;
  store.subscribe(onChange);
  try {
    store.setMe(await api.me());
    // A fresh position before reading any state: events after it are replayed over the
    // state read below, in order, so the result is current and nothing falls between.
    const fresh = await api.sync();
    sessionStorage.setItem(SYNC_KEY, fresh.nextToken);
    await loadChats();
  } catch (error) {
    if (session !== store) return; // expired meanwhile
    if (error instanceof ApiError && error.status === 401) return;
    endSession();
    showAuth(describeError(error));
    return;
  }
  $('auth-view').hidden = true;
  $('app-view').hidden = false;
  $('me').textContent = `${store.me.displayName || store.me.username} (@${store.me.username})`;
  renderAll();
  refreshNotifications();
  connection = new Connection({
    token: () => sessionStorage.getItem(TOKEN_KEY),
    syncToken: () => sessionStorage.getItem(SYNC_KEY),
    saveSyncToken: (token) => sessionStorage.setItem(SYNC_KEY, token),
    sync: (since) => api.sync(since),
    apply: (event) => store?.apply(event),
    onState: (state) => {
      ui.renderConnection(state);
      if (state === 'offline') ui.showError(describeError(new ApiError(0)));
    },
    onSessionExpired: () => sessionExpired(),
    onCaughtUp: () => caughtUp(),
    onSyncReset: () => loadChats().then(() => openChatId && loadLatest(openChatId)),
  });
  ui.renderConnection('connecting');
  connection.start();
}

async function loadChats() {
  let cursor;
  do {
    const page = await api.chats(cursor);
    page.items.forEach((chat) => store.putChat(chat));
    cursor = page.nextCursor;
  } while (cursor);
}

/** After each (re)connect: presence may have changed while away, sends may wait. */
function caughtUp() {
  ui.clearError();
  for (const id of store.users.keys()) if (id !== store.me.id) fetchUser(id, true);
  for (const [id, pending] of store.pending) if (pending.status === 'failed' && pending.transient) deliver(id);
  refreshNotifications();
  markReadIfSeen();
}

const userRequests = new Set();
function fetchUser(id, refresh = false) {
  if (userRequests.has(id) || (!refresh && store.users.has(id))) return;
  userRequests.add(id);
  const session = store;
  api.user(id).then((user) => session.putUser(user)).catch(() => {}).finally(() => userRequests.delete(id));
}

function fetchChat(id) {
  const session = store;
  api.chat(id).then((chat) => session.putChat(chat)).catch(() => {});
}

// ---------- rendering ----------

let frame = 0;
const dirty = new Set();
function onChange(what, chatId) {
  dirty.add(what === 'messages' && chatId !== openChatId ? 'none' : what);
  if (what === 'messages' && chatId === openChatId) markReadSoon();
  if (what === 'messages' && chatId) notificationsSoon();
  if (!frame) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  if (!store) return;
  const all = dirty.has('users');
  if (all || dirty.has('chats')) renderChats();
  if (all || dirty.has('messages') || dirty.has('chats')) renderOpenChat();
  if (all || dirty.has('typing')) renderTyping();
  if (all) ui.renderNotifications(store, openChat);
  dirty.clear();
}

function renderAll() {
  renderChats();
  renderOpenChat();
  renderTyping();
  ui.renderNotifications(store, openChat);
}

function renderChats() {
  ui.renderChatList(store, openChatId, openChat);
}

function renderOpenChat() {
  const chat = openChatId ? store.chats.get(openChatId) : null;
  ui.renderChatHeader(store, chat);
  $('composer').hidden = !chat;
  $('no-chat').hidden = Boolean(chat);
  if (!chat) {
    $('message-list').replaceChildren();
    $('load-older').hidden = true;
    return;
  }
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  ui.renderMessages(store, chat, {
    editingSeq: composer.mode === 'edit' ? composer.message.seq : undefined,
    quote: (seq) => quote(chat.id, seq),
    actions: messageActions,
  });
  if (atBottom) box.scrollTop = box.scrollHeight;
}

let typingTimer;
function renderTyping() {
  ui.renderTyping(store, openChatId);
  // Typing ends at expiresAt without any frame: look again then.
  clearTimeout(typingTimer);
  const expiries = [...(store.typing.get(openChatId)?.values() || [])];
  if (expiries.length) typingTimer = setTimeout(renderTyping, Math.max(100, Math.min(...expiries) - Date.now()));
}

function quote(chatId, seq) {
  const loaded = store.timeline(chatId).bySeq.get(seq);
  if (loaded) return loaded;
  const key = `${chatId}:${seq}`;
  if (!quotes.has(key)) {
    quotes.set(key, undefined);
    api.messages(chatId, { after: seq - 1, limit: 1 }).then((page) => {
      if (page.items[0]) quotes.set(key, page.items[0]);
      store?.changed('messages', chatId);
    }).catch(() => quotes.delete(key));
  }
  return quotes.get(key);
}

// ---------- chat view ----------

async function openChat(chatId) {
  if (!store.chats.has(chatId)) return;
  openChatId = chatId;
  setComposer('new');
  $('notifications-panel').hidden = true;
  $('notifications-button').setAttribute('aria-expanded', 'false');
  renderChats();
  renderOpenChat();
  renderTyping();
  $('messages').scrollTop = $('messages').scrollHeight;
  if (!store.timeline(chatId).loaded) await loadLatest(chatId);
  $('composer-input').focus();
  markReadIfSeen();
}

async function loadLatest(chatId) {
  try {
    const page = await api.messages(chatId, { limit: 50 });
    store.addPage(chatId, page.items, page.hasMore, false);
    $('messages').scrollTop = $('messages').scrollHeight;
  } catch (error) {
    ui.showError(describeError(error));
  }
}

async function loadOlder() {
  const chatId = openChatId;
  if (!chatId || loadingOlder || !store.timeline(chatId).hasMore) return;
  const before = store.oldestSeq(chatId);
  if (before === undefined) return;
  loadingOlder = true;
  const box = $('messages');
  const fromBottom = box.scrollHeight - box.scrollTop;
  try {
    const page = await api.messages(chatId, { before, limit: 50 });
    store.addPage(chatId, page.items, page.hasMore, true);
    flush();
    box.scrollTop = box.scrollHeight - fromBottom; // the same message stays under the eye
  } catch (error) {
    ui.showError(describeError(error));
  } finally {
    loadingOlder = false;
  }
}

/** The chat is read up to the highest message shown, but only while someone can see it. */
function markReadIfSeen() {
  const chatId = openChatId;
  const chat = chatId && store?.chats.get(chatId);
  if (!chat || document.visibilityState !== 'visible' || !document.hasFocus()) return;
  const shown = store.messagesOf(chatId);
  const highest = shown.length ? shown[shown.length - 1].seq : 0;
  if (highest <= chat.readSeq || (readInFlight.get(chatId) ?? 0) >= highest) return;
  readInFlight.set(chatId, highest);
  const session = store;
  api.markRead(chatId, highest)
    .then((state) => session.setReadState(chatId, state.readSeq, state.unreadCount))
    .catch(() => {})
    .finally(() => readInFlight.delete(chatId));
}

let readTimer;
function markReadSoon() {
  clearTimeout(readTimer);
  readTimer = setTimeout(markReadIfSeen, 150);
}

const messageActions = {
  reply: (message) => setComposer('reply', message),
  edit: (message) => setComposer('edit', message),
  async remove(message) {
    if (!window.confirm('Delete this message?')) return;
    try {
      await api.remove(message.chatId, message.seq);
      store.updateMessage(message.chatId, message.seq, (m) => ({ ...m, content: '', deleted: true }));
    } catch (error) {
      ui.showError(describeError(error));
    }
  },
  async toggleReaction(message, emoji) {
    const on = !(message.reactions?.[emoji] || []).includes(store.me.id);
    try {
      await api.react(message.chatId, message.seq, emoji, on);
      const me = store.me.id;
      store.updateMessage(message.chatId, message.seq, (m) => {
        const users = new Set(m.reactions?.[emoji] || []);
        if (on) users.add(me);
        else users.delete(me);
        const reactions = { ...(m.reactions || {}), [emoji]: [...users] };
        if (!users.size) delete reactions[emoji];
        return { ...m, reactions };
      });
    } catch (error) {
      ui.showError(describeError(error));
    }
  },
  retry: (clientMessageId) => deliver(clientMessageId),
  discard(clientMessageId) {
    store.pending.delete(clientMessageId);
    store.changed('messages', openChatId);
  },
};

// ---------- composer ----------

function setComposer(mode, message = null) {
  composer = { mode, message };
  const context = $('composer-context');
  const input = $('composer-input');
  context.hidden = mode === 'new';
  if (mode === 'reply') {
    $('composer-context-text').textContent = `Replying to ${store.displayName(message.senderId)}: ${message.content}`;
  } else if (mode === 'edit') {
    $('composer-context-text').textContent = 'Editing your message (Escape cancels)';
    input.value = message.content;
  } else if (input.dataset.wasEditing) {
    input.value = '';
  }
  input.dataset.wasEditing = mode === 'edit' ? 'true' : '';
  $('send-button').textContent = mode === 'edit' ? 'Save' : 'Send';
  if (store && openChatId) renderOpenChat();
  if (mode !== 'new') input.focus();
}

async function submitComposer() {
  const input = $('composer-input');
  const content = input.value;
  if (!openChatId || !content.trim()) return;
  if (content.length > 4000) {
    ui.showError('A message can be at most 4000 characters.');
    return;
  }
  if (composer.mode === 'edit') {
    const { message } = composer;
    try {
      const updated = await api.edit(message.chatId, message.seq, content);
      store.putMessage(updated);
      input.value = '';
      setComposer('new');
    } catch (error) {
      ui.showError(describeError(error));
    }
    return;
  }
  // One id per message, reused by every retry: the server stores it once.
  const clientMessageId = newId();
  store.pending.set(clientMessageId, {
    chatId: openChatId, content, replyToSeq: composer.mode === 'reply' ? composer.message.seq : undefined,
    status: 'sending',
  });
  input.value = '';
  setComposer('new');
  $('messages').scrollTop = $('messages').scrollHeight;
  store.changed('messages', openChatId);
  deliver(clientMessageId);
}

const retryTimers = new Map();
async function deliver(clientMessageId, attempt = 0) {
  const pending = store?.pending.get(clientMessageId);
  if (!pending) return;
  clearTimeout(retryTimers.get(clientMessageId));
  pending.status = 'sending';
  store.changed('messages', pending.chatId);
  const session = store;
  try {
    const message = await api.send(pending.chatId, { ...pending, clientMessageId });
    session.putMessage(message);
    const chat = session.chats.get(message.chatId);
    if (chat && message.seq > chat.lastSeq) {
      chat.lastSeq = message.seq;
      chat.lastMessage = message;
      session.changed('chats', chat.id);
    }
  } catch (error) {
    if (!session.pending.has(clientMessageId)) return; // arrived by event meanwhile
    pending.status = 'failed';
    pending.error = describeError(error);
    pending.transient = error instanceof ApiError && error.transient;
    session.changed('messages', pending.chatId);
    if (pending.transient && !(error.status === 0 && !navigator.onLine)) {
      // Rate limits say when; otherwise back off. Offline sends wait for the reconnect.
      const delay = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000
        : Math.min(10_000, 1000 * 2 ** attempt);
      retryTimers.set(clientMessageId, setTimeout(() => deliver(clientMessageId, attempt + 1), delay));
    }
  }
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// ---------- new chat ----------

const selected = new Map(); // userId -> user
let searchTimer;

function openNewChat(show) {
  $('new-chat').hidden = !show;
  $('new-chat-button').setAttribute('aria-expanded', String(show));
  selected.clear();
  $('user-search').value = '';
  $('group-title').value = '';
  $('user-results').replaceChildren();
  renderSelection();
  if (show) $('user-search').focus();
  else $('new-chat-button').focus();
}

async function searchUsers() {
  const text = $('user-search').value.trim();
  if (!text) {
    $('user-results').replaceChildren();
    return;
  }
  try {
    const page = await api.searchUsers(text);
    if ($('user-search').value.trim() !== text) return; // a newer search is on its way
    const users = page.items.filter((u) => u.id !== store.me.id);
    users.forEach((u) => store.putUser({ ...store.users.get(u.id), ...u }));
    $('user-results').replaceChildren(...users.map((user) => ui.el('li', {},
      ui.el('button', { type: 'button', 'data-testid': 'user-result', 'data-username': user.username,
        'aria-pressed': String(selected.has(user.id)),
        onclick: (e) => {
          if (selected.has(user.id)) selected.delete(user.id);
          else selected.set(user.id, user);
          e.currentTarget.setAttribute('aria-pressed', String(selected.has(user.id)));
          renderSelection();
        } },
      ui.presenceDot(user.presence?.status || 'offline', user.displayName || user.username),
      ` ${user.displayName || user.username} (@${user.username})`))));
    if (!users.length) $('user-results').append(ui.el('li', {}, 'No one found.'));
  } catch (error) {
    ui.showError(describeError(error));
  }
}

function renderSelection() {
  const names = [...selected.values()].map((u) => u.displayName || u.username);
  $('selected-users').textContent = names.length ? `${names.length > 1 ? 'Group with' : 'Direct chat with'} ${names.join(', ')}` : '';
  $('group-fields').hidden = names.length < 2;
  $('start-chat').disabled = names.length === 0;
}

async function startChat() {
  const ids = [...selected.keys()];
  if (!ids.length) return;
  const group = ids.length > 1;
  try {
    const chat = await api.createChat(group ? 'group' : 'direct', ids, group ? $('group-title').value.trim() : undefined);
    store.putChat(chat);
    openNewChat(false);
    await openChat(chat.id);
  } catch (error) {
    ui.showError(describeError(error));
  }
}

// ---------- notifications ----------

async function refreshNotifications() {
  const session = store;
  if (!session) return;
  try {
    const page = await api.notifications();
    session.notifications = page.items;
    ui.renderNotifications(session, openChat);
  } catch {
    // shown again on the next change
  }
}

let notificationsTimer;
function notificationsSoon() {
  // The worker writes notifications a moment after the message.
  clearTimeout(notificationsTimer);
  notificationsTimer = setTimeout(refreshNotifications, 2000);
}

async function markNotificationsRead() {
  const ids = store.notifications.filter((n) => !n.read).map((n) => n.id);
  if (!ids.length) return;
  try {
    await api.markNotificationsRead(ids);
    store.notifications.forEach((n) => { n.read = true; });
    ui.renderNotifications(store, openChat);
  } catch (error) {
    ui.showError(describeError(error));
  }
}

// ---------- wiring ----------

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { username, password } = formValues(event.target);
  try {
    await logIn(username.trim(), password);
  } catch (error) {
    ui.showError(error instanceof ApiError && error.status === 401 ? 'Wrong username or password.' : describeError(error));
  }
});

$('register-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = formValues(event.target);
  const user = {
    username: values.username.trim().toLowerCase(), displayName: values.displayName.trim() || values.username.trim(),
    email: values.email.trim(), password: values.password,
  };
  try {
    await api.register(user);
    await logIn(user.username, user.password);
  } catch (error) {
    ui.showError(describeError(error));
  }
});

$('logout-button').addEventListener('click', () => {
  endSession();
  showAuth();
});

$('new-chat-button').addEventListener('click', () => openNewChat($('new-chat').hidden));
$('cancel-new-chat').addEventListener('click', () => openNewChat(false));
$('user-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(searchUsers, 250);
});
$('new-chat').addEventListener('submit', (event) => {
  event.preventDefault();
  startChat();
});
$('new-chat').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') openNewChat(false);
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  submitComposer();
});
$('composer-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitComposer();
  } else if (event.key === 'Escape' && composer.mode !== 'new') {
    event.preventDefault();
    setComposer('new');
  }
});
$('composer-input').addEventListener('input', () => {
  const chatId = openChatId;
  const composing = () => openChatId === chatId && composer.mode !== 'edit' && $('composer-input').value.trim() !== '';
  if (chatId && composing()) connection?.sendTyping(chatId, composing);
});
$('composer-context-cancel').addEventListener('click', () => setComposer('new'));

$('messages').addEventListener('scroll', () => {
  if ($('messages').scrollTop < 80) loadOlder();
});
$('load-older').addEventListener('click', () => loadOlder());

$('notifications-button').addEventListener('click', () => {
  const show = $('notifications-panel').hidden;
  $('notifications-panel').hidden = !show;
  $('notifications-button').setAttribute('aria-expanded', String(show));
  if (show) refreshNotifications();
});
$('notifications-mark-read').addEventListener('click', () => markNotificationsRead());

window.addEventListener('focus', () => markReadIfSeen());
document.addEventListener('visibilitychange', () => markReadIfSeen());

if (sessionStorage.getItem(TOKEN_KEY)) startSession();
else showAuth();
