// REST client for the ChatApp API. Every error becomes an ApiError carrying the
// problem+json body (RFC 9457), so the views can explain it in one place (describeError).

/** An HTTP failure (status > 0) or a network failure (status 0, the request never got an answer). */
export class ApiError extends Error {
  constructor(status, problem, retryAfterSeconds) {
    super(problem?.detail || problem?.title || (status ? `HTTP ${status}` : 'Network error'));
    this.status = status;
    this.problem = problem || {};
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get offline() {
    return this.status === 0;
  }

  /** Worth retrying unchanged: the network, rate limits and unavailable dependencies. */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503
      || this.status === 504;
  }
}

/**
 * @param getToken returns the current access token or null
 * @param onUnauthorized called once per 401 on an authenticated call (the session expired)
 */
export function createApi({ getToken, onUnauthorized }) {
  async function request(method, path, body) {
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, { title: 'Offline', detail: 'The server cannot be reached.' });
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (response.ok) return data;
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    const error = new ApiError(response.status, data, retryAfter);
    // Public endpoints answer 401 for bad credentials; only a rejected token ends the session.
    if (response.status === 401 && token) onUnauthorized(error);
    throw error;
  }

  const chat = (id) => `/api/chats/${encodeURIComponent(id)}`;
  const message = (chatId, seq) => `${chat(chatId)}/messages/${encodeURIComponent(seq)}`;

  return {
    register: (user) => request('POST', '/api/users', user),
    logIn: (username, password) => request('POST', '/api/auth/token', { username, password }),
    me: () => request('GET', '/api/users/me'),
    user: (id) => request('GET', `/api/users/${encodeURIComponent(id)}`),
    searchUsers: (text) => request('GET', `/api/users?search=${encodeURIComponent(text)}&limit=20`),
    chats: (cursor) => request('GET', `/api/chats?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    chat: (id) => request('GET', chat(id)),
    createChat: (type, memberIds, title) => request('POST', '/api/chats', { type, memberIds, title: title || undefined }),
    messages: (chatId, { before, after, limit = 50 } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (before !== undefined) query.set('before', String(before));
      if (after !== undefined) query.set('after', String(after));
      return request('GET', `${chat(chatId)}/messages?${query}`);
    },
    send: (chatId, { content, clientMessageId, replyToSeq }) =>
      request('POST', `${chat(chatId)}/messages`, { content, clientMessageId, replyToSeq: replyToSeq ?? undefined }),
    edit: (chatId, seq, content) => request('PATCH', message(chatId, seq), { content }),
    remove: (chatId, seq) => request('DELETE', message(chatId, seq)),
    react: (chatId, seq, emoji, on) =>
      request(on ? 'PUT' : 'DELETE', `${message(chatId, seq)}/reactions/${encodeURIComponent(emoji)}`),
    markRead: (chatId, seq) => request('POST', `${chat(chatId)}/read`, { seq }),
    sync: (since) => request('GET', since ? `/api/sync?since=${encodeURIComponent(since)}` : '/api/sync'),
    notifications: () => request('GET', '/api/notifications'),
    markNotificationsRead: (ids) => request('POST', '/api/notifications/read', { ids }),
  };
}

function parseRetryAfter(value) {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** One sentence (or a short list) a person can act on. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error?.message || error}`;
  const wait = error.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} s.` : ' Try again shortly.';
  switch (error.status) {
    case 0: return 'You are offline: the server cannot be reached. Waiting for the connection to come back.';
    case 401: return 'Your session expired. Please log in again.';
    case 403: return 'You are not allowed to do that.';
    case 404: return 'Not found: it was removed or you are no longer a member.';
    case 413: return 'That is too large to send.';
    case 429: return `Too many requests: you are being rate limited.${wait}`;
    case 502: case 503: case 504: return `The service is temporarily unavailable.${wait}`;
    default: break;
  }
  const fields = Array.isArray(error.problem.errors) ? error.problem.errors : [];
  if (fields.length) {
    return `${error.problem.title || 'Invalid request'}:\n${fields.map((f) => `- ${f.field}: ${f.message}`).join('\n')}`;
  }
  return error.problem.detail || error.problem.title || `Request failed (HTTP ${error.status}).`;
}
