// The live connection: WebSocket /ws with the contract's handshake, heartbeat, back-off
// and resume. Nothing is missed and nothing applied twice: after every (re)connect the
// events since the last sync token are fetched from /api/sync while socket frames are held
// back, then the held frames are applied; the store skips any event it already has.

const MAX_BACKOFF_MS = 10_000;
// The server passes one typing frame per 2 s by its own clock and drops the rest; the
// margin keeps network jitter from getting a refresh dropped.
const TYPING_INTERVAL_MS = 2_500;

export class Connection {
  /**
   * @param options.token () => access token
   * @param options.syncToken () => last sync token held
   * @param options.saveSyncToken (token) => keep it (sessionStorage)
   * @param options.sync (since) => Promise<{events, nextToken}> (GET /api/sync)
   * @param options.apply (event) => apply one event idempotently
   * @param options.onState (state) => 'connecting' | 'connected' | 'reconnecting' | 'offline'
   * @param options.onSessionExpired () => the token was refused (close code 4401)
   * @param options.onCaughtUp () => a (re)connect finished catching up
   * @param options.onSyncReset () => the sync token was refused; state must be reloaded
   */
  constructor(options) {
    this.options = options;
    this.ws = null;
    this.state = 'connecting';
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.stopped = true;
    this.catchingUp = false;
    this.held = [];
    this.lastTyping = new Map();
    this.typingTimers = new Map();
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.goOffline();
  }

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.retryTimer);
    this.typingTimers.forEach((timer) => clearTimeout(timer));
    this.dropSocket(1000);
  }

  /**
   * At most one typing frame per chat every 2.5 s. Keystrokes
   * inside the window leave one frame for its end, sent if `stillTyping()` then holds,
   * so someone who keeps typing keeps showing as typing.
   */
  sendTyping(chatId, stillTyping = () => true) {
    if (this.state !== 'connected') return;
    const wait = (this.lastTyping.get(chatId) ?? 0) + TYPING_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.lastTyping.set(chatId, Date.now());
      this.send({ type: 'typing', chatId });
    } else if (!this.typingTimers.has(chatId)) {
      this.typingTimers.set(chatId, setTimeout(() => {
        this.typingTimers.delete(chatId);
        if (stillTyping()) this.sendTyping(chatId, stillTyping);
      }, wait));
    }
  }

  send(frame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.options.onState(state);
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.setState('offline');
      return; // the 'online' event connects again
    }
    if (this.state !== 'connecting') this.setState('reconnecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    this.ws = ws;
    // Handlers ignore a socket that has been replaced, so a late close cannot start a second loop.
    ws.onopen = () => ws === this.ws && ws.send(JSON.stringify({ type: 'auth', token: this.options.token() }));
    ws.onmessage = (message) => ws === this.ws && this.receive(message.data);
    ws.onclose = (close) => ws === this.ws && this.closed(close.code);
    ws.onerror = () => {}; // a close always follows
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'ready':
        this.ready(frame);
        break;
      case 'event':
        if (this.catchingUp) this.held.push(frame);
        else this.deliver(frame);
        break;
      case 'error':
        console.warn('Frame refused', frame.code, frame.message);
        break;
      default:
        break; // pong and anything newer
    }
  }

  async ready(frame) {
    clearInterval(this.pingTimer);
    const heartbeat = (frame.heartbeatSeconds || 25) * 1000;
    this.pingTimer = setInterval(() => this.send({ type: 'ping' }), heartbeat);
    const ws = this.ws;
    const caughtUp = await this.catchUp(frame.syncToken);
    if (ws !== this.ws) return;
    if (!caughtUp) {
      this.dropSocket(4000);
      this.scheduleReconnect();
      return;
    }
    this.attempt = 0;
    this.setState('connected');
    this.options.onCaughtUp();
  }

  /**
   * Fetches everything after the last token held, until a page comes back empty, while
   * the socket's frames wait in `held`; then applies the held frames in order.
   */
  async catchUp(readyToken) {
    this.catchingUp = true;
    this.held = [];
    try {
      let since = this.options.syncToken() || readyToken;
      for (;;) {
        const page = await this.options.sync(since);
        page.events.forEach((event) => this.options.apply(event));
        since = page.nextToken;
        this.options.saveSyncToken(since);
        if (!page.events.length) break;
      }
      for (const frame of this.held) this.deliver(frame);
      return true;
    } catch (error) {
      if (error.status === 400) {
        // A token this server never issued: start over from a fresh one.
        this.options.saveSyncToken(readyToken);
        this.options.onSyncReset();
        for (const frame of this.held) this.deliver(frame);
        return true;
      }
      return false;
    } finally {
      this.catchingUp = false;
      this.held = [];
    }
  }

  deliver(frame) {
    this.options.apply(frame.event);
    // typing and presence frames carry no token: they are not in the log.
    if (frame.syncToken) this.options.saveSyncToken(frame.syncToken);
  }

  closed(code) {
    clearInterval(this.pingTimer);
    this.ws = null;
    if (this.stopped) return;
    if (code === 4401) {
      this.setState('offline');
      this.options.onSessionExpired();
      return;
    }
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    if (code === 4409) {
      // Fell behind: the next connect catches up from the last token anyway, so at once.
      this.attempt = 0;
      this.setState('reconnecting');
      this.connect();
      return;
    }
    this.scheduleReconnect(code === 4429 ? 1000 : 0);
  }

  /** Exponential back-off with full jitter, capped near 10 s. */
  scheduleReconnect(minimum = 0) {
    this.setState(navigator.onLine ? 'reconnecting' : 'offline');
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt++;
    const delay = Math.max(minimum, ceiling / 2 + Math.random() * ceiling / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || this.state === 'connected') return;
    this.attempt = 0;
    this.dropSocket(4000);
    this.connect();
  }

  /** The browser says the network is gone: a socket may linger half-open, so close it. */
  goOffline() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.dropSocket(4000);
    this.setState('offline');
  }

  dropSocket(code) {
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try {
        ws.close(code === 1000 ? 1000 : code);
      } catch {
        // already closing
      }
    }
  }
}
