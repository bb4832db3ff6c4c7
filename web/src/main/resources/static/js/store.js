// Client state and the one place events are applied. Every event may arrive twice
// (from /api/sync and from the socket around a reconnect, or after a REST answer that
// already contained its effect), so each change is idempotent: events are skipped by id,
// messages are kept by seq, counters only move with seqs that are new.

const SEEN_LIMIT = 5000;

export class Store {
  constructor() {
    this.me = null;
    this.users = new Map(); // id -> user (with presence)
    this.chats = new Map(); // id -> chat as the REST API returns it, kept current
    this.timelines = new Map(); // chatId -> { bySeq: Map, hasMore, loaded }
    this.pending = new Map(); // clientMessageId -> { chatId, content, replyToSeq, status, error }
    this.typing = new Map(); // chatId -> Map(userId -> expiresAt ms)
    this.readers = new Map(); // chatId -> Map(userId -> seq), other members' read markers seen live
    this.notifications = [];
    this.seen = new Set();
    this.listeners = new Set();
    // Called with a chat id the store does not know yet (added to a chat while away).
    this.onUnknownChat = () => {};
    this.onUnknownUser = () => {};
    // Called with a chat whose counters only the server can tell now.
    this.onStaleChat = () => {};
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(what, chatId) {
    for (const listener of this.listeners) listener(what, chatId);
  }

  // ---- loading from REST ----

  setMe(user) {
    this.me = user;
    this.putUser(user);
  }

  putUser(user) {
    const known = this.users.get(user.id);
    this.users.set(user.id, { ...known, ...user });
    this.changed('users');
  }

  displayName(userId) {
    const user = this.users.get(userId);
    if (!user) {
      this.onUnknownUser(userId);
      return 'Someone';
    }
    return user.displayName || user.username;
  }

  putChat(chat) {
    const known = this.chats.get(chat.id);
    // A REST answer may be older than events already applied: keep the newer counters.
    if (known && known.lastSeq > chat.lastSeq) {
      this.chats.set(chat.id, { ...chat, lastSeq: known.lastSeq, lastMessage: known.lastMessage,
        unreadCount: known.unreadCount, readSeq: Math.max(known.readSeq, chat.readSeq) });
    } else {
      this.chats.set(chat.id, { ...chat, readSeq: Math.max(known?.readSeq ?? 0, chat.readSeq ?? 0) });
    }
    for (const member of chat.members || []) {
      if (!this.users.has(member.userId)) this.onUnknownUser(member.userId);
    }
    this.changed('chats', chat.id);
  }

  timeline(chatId) {
    let timeline = this.timelines.get(chatId);
    if (!timeline) {
      timeline = { bySeq: new Map(), hasMore: true, loaded: false };
      this.timelines.set(chatId, timeline);
    }
    return timeline;
  }

  /** A page from GET messages; returns how many were new. */
  addPage(chatId, items, hasMore, older) {
    const timeline = this.timeline(chatId);
    let added = 0;
    for (const message of items) {
      if (!timeline.bySeq.has(message.seq)) added++;
      this.putMessage(message, false);
    }
    if (older || !timeline.loaded) timeline.hasMore = hasMore;
    timeline.loaded = true;
    this.changed('messages', chatId);
    return added;
  }

  /** Stores a message by seq (never twice) and drops the optimistic copy it replaces. */
  putMessage(message, notify = true) {
    const timeline = this.timeline(message.chatId);
    const known = timeline.bySeq.get(message.seq);
    // An edit or delete applied by event must not be undone by an older copy.
    if (!known || newer(message, known)) timeline.bySeq.set(message.seq, message);
    if (message.clientMessageId && message.senderId === this.me?.id) this.pending.delete(message.clientMessageId);
    if (notify) this.changed('messages', message.chatId);
  }

  oldestSeq(chatId) {
    const seqs = [...this.timeline(chatId).bySeq.keys()];
    return seqs.length ? Math.min(...seqs) : undefined;
  }

  messagesOf(chatId) {
    return [...this.timeline(chatId).bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  pendingOf(chatId) {
    return [...this.pending.entries()].filter(([, p]) => p.chatId === chatId).map(([id, p]) => ({ clientMessageId: id, ...p }));
  }

  /** Chats, most recent activity first. */
  sortedChats() {
    return [...this.chats.values()].sort((a, b) => activity(b).localeCompare(activity(a)));
  }

  chatTitle(chat) {
    if (chat.type === 'direct') {
      const other = this.otherMember(chat);
      return other ? this.displayName(other) : 'Just you';
    }
    return chat.title || 'Group';
  }

  otherMember(chat) {
    return (chat.members || []).map((m) => m.userId).find((id) => id !== this.me?.id);
  }

  // ---- read markers ----

  /** The server's answer to POST read: the marker and the count it leaves. */
  setReadState(chatId, readSeq, unreadCount) {
    const chat = this.chats.get(chatId);
    if (!chat || readSeq < chat.readSeq) return;
    chat.readSeq = readSeq;
    chat.unreadCount = readSeq >= chat.lastSeq ? 0 : unreadCount;
    this.changed('chats', chatId);
  }

  // ---- events ----

  /** Applies one event at most once; returns false for a repeat. */
  apply(event) {
    if (!event || !event.id) return false;
    if (this.seen.has(event.id)) return false;
    this.seen.add(event.id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value);
    const handler = this.handlers[event.type];
    if (handler) handler.call(this, event, event.data || {});
    return true;
  }

  handlers = {
    'chat.created'(event, data) {
      if (!this.chats.has(event.chatId)) {
        this.putChat({ ...data, id: event.chatId, lastSeq: 0, lastMessage: null, unreadCount: 0, readSeq: 0 });
      }
    },
    'chat.updated'(event, data) {
      const chat = this.chats.get(event.chatId);
      if (chat) {
        chat.title = data.title;
        this.changed('chats', chat.id);
      }
    },
    'chat.member_added'(event, data) {
      const chat = this.chats.get(event.chatId);
      if (!chat) {
        this.onUnknownChat(event.chatId);
        return;
      }
      if (!chat.members.some((m) => m.userId === data.userId)) {
        chat.members.push({ userId: data.userId, role: data.role, joinedAt: event.occurredAt });
        if (!this.users.has(data.userId)) this.onUnknownUser(data.userId);
      }
      this.changed('chats', chat.id);
    },
    'chat.member_removed'(event, data) {
      if (data.userId === this.me?.id) {
        this.chats.delete(event.chatId);
        this.changed('chats', event.chatId);
        return;
      }
      const chat = this.chats.get(event.chatId);
      if (!chat) return;
      chat.members = chat.members.filter((m) => m.userId !== data.userId);
      if (data.newOwnerId) {
        const owner = chat.members.find((m) => m.userId === data.newOwnerId);
        if (owner) owner.role = 'owner';
      }
      this.changed('chats', chat.id);
    },
    'message.created'(event, data) {
      const message = { ...data, chatId: event.chatId, seq: event.seq ?? data.seq };
      const chat = this.chats.get(event.chatId);
      if (!chat) {
        this.onUnknownChat(event.chatId);
        return;
      }
      // Kept even before the chat's first page is loaded: that page may have been read
      // before this message committed.
      this.putMessage(message, false);
      // Counters move only for a seq beyond what the chat already counted.
      if (message.seq > chat.lastSeq) {
        chat.lastSeq = message.seq;
        chat.lastMessage = message;
        if (message.senderId !== this.me?.id && message.seq > chat.readSeq) chat.unreadCount = (chat.unreadCount || 0) + 1;
      }
      this.typing.get(chat.id)?.delete(message.senderId);
      this.changed('chats', chat.id);
      this.changed('messages', chat.id);
      this.changed('typing', chat.id);
    },
    'message.edited'(event, data) {
      this.updateMessage(event.chatId, event.seq, (m) => ({ ...m, content: data.content, editedAt: data.editedAt }));
    },
    'message.deleted'(event) {
      this.updateMessage(event.chatId, event.seq, (m) => ({ ...m, content: '', deleted: true }));
    },
    'reaction.added'(event, data) {
      this.updateMessage(event.chatId, event.seq, (m) => withReaction(m, data.emoji, event.userId, true));
    },
    'reaction.removed'(event, data) {
      this.updateMessage(event.chatId, event.seq, (m) => withReaction(m, data.emoji, event.userId, false));
    },
    'read.updated'(event, data) {
      const seq = data.seq ?? event.seq;
      if (event.userId === this.me?.id) {
        const chat = this.chats.get(event.chatId);
        if (chat && seq > chat.readSeq) {
          chat.readSeq = seq;
          // Read in another tab or device: recount from what is loaded when it covers the
          // gap, else ask the server.
          const unread = seq >= chat.lastSeq ? 0 : this.countUnread(chat);
          if (unread === undefined) this.onStaleChat(chat.id);
          else chat.unreadCount = unread;
          this.changed('chats', chat.id);
        }
        return;
      }
      let readers = this.readers.get(event.chatId);
      if (!readers) this.readers.set(event.chatId, (readers = new Map()));
      if (seq > (readers.get(event.userId) ?? 0)) readers.set(event.userId, seq);
      this.changed('messages', event.chatId);
    },
    typing(event, data) {
      if (event.userId === this.me?.id) return;
      // Typing travels apart from messages: one sent before the message may come after it.
      const last = this.chats.get(event.chatId)?.lastMessage;
      if (last?.senderId === event.userId && Date.parse(last.sentAt) >= Date.parse(event.occurredAt)) return;
      let typing = this.typing.get(event.chatId);
      if (!typing) this.typing.set(event.chatId, (typing = new Map()));
      // The server's clock says how long it lasts; counted from arrival on this clock, so
      // neither clock skew nor a slow delivery hides it.
      const lasts = Date.parse(data.expiresAt) - Date.parse(event.occurredAt);
      typing.set(event.userId, Date.now() + (lasts > 0 && lasts <= 30_000 ? lasts : 6000));
      this.changed('typing', event.chatId);
    },
    'presence.updated'(event, data) {
      const user = this.users.get(event.userId);
      if (!user) {
        this.onUnknownUser(event.userId);
        return;
      }
      user.presence = { status: data.status, lastSeenAt: data.lastSeenAt };
      this.changed('users');
    },
  };

  updateMessage(chatId, seq, change) {
    const timeline = this.timelines.get(chatId);
    const message = timeline?.bySeq.get(seq);
    if (message) timeline.bySeq.set(seq, change(message));
    const chat = this.chats.get(chatId);
    if (chat?.lastMessage?.seq === seq) chat.lastMessage = change(chat.lastMessage);
    this.changed('messages', chatId);
    this.changed('chats', chatId);
  }

  countUnread(chat) {
    const timeline = this.timelines.get(chat.id);
    if (!timeline?.loaded) return undefined;
    const oldest = this.oldestSeq(chat.id) ?? Infinity;
    if (oldest > chat.readSeq + 1 && timeline.hasMore) return undefined;
    return this.messagesOf(chat.id).filter((m) => m.seq > chat.readSeq && m.senderId !== this.me?.id).length;
  }

  /** Who is typing in a chat now (expired entries dropped). */
  typingIn(chatId) {
    const typing = this.typing.get(chatId);
    if (!typing) return [];
    const now = Date.now();
    for (const [userId, expiresAt] of typing) if (expiresAt <= now) typing.delete(userId);
    return [...typing.keys()];
  }

  presenceOf(userId) {
    return this.users.get(userId)?.presence?.status || 'offline';
  }

  mentionsMe(content) {
    return Boolean(this.me && content && mentionPattern(this.me.username).test(content));
  }
}

export function mentionPattern(username) {
  const escaped = username.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_.-])(@${escaped})(?![a-z0-9_-])`, 'i');
}

function activity(chat) {
  return chat.lastMessage?.sentAt || chat.createdAt || '';
}

function newer(candidate, known) {
  if (known.deleted && !candidate.deleted) return false;
  if (candidate.deleted && !known.deleted) return true;
  if ((candidate.editedAt || '') !== (known.editedAt || '')) return (candidate.editedAt || '') > (known.editedAt || '');
  return JSON.stringify(candidate.reactions || {}) !== JSON.stringify(known.reactions || {});
}

function withReaction(message, emoji, userId, on) {
  const reactions = { ...(message.reactions || {}) };
  const users = new Set(reactions[emoji] || []);
  if (on) users.add(userId);
  else users.delete(userId);
  if (users.size) reactions[emoji] = [...users];
  else delete reactions[emoji];
  return { ...message, reactions };
}
