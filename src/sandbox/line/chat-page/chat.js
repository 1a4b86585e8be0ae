// The chat page: shows one simulated user's conversation with the bot and lets you act as that user.
// It talks to the simulator's /sim/api (long-poll for new entries; POST to type, tap and follow).
(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    user: null,
    botName: 'LINE Shop',
    after: 0,
    lastEntry: null,
    lastBotRunUser: false,
    richMenu: null,
    menuOpen: true,
    mode: 'menu',
    loadingTimer: null,
    /** The last user message shown 已讀 (seq), sent with each poll so a newer one wakes it. */
    readUpTo: 0,
    pollGeneration: 0,
  };

  async function api(path, body) {
    const response = await fetch(path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.message || `HTTP ${response.status}`);
    return json;
  }

  function timeLabel(ms) {
    const date = new Date(ms);
    const hours = date.getHours();
    const minutes = String(date.getMinutes()).padStart(2, '0');
    return `${hours < 12 ? '上午' : '下午'} ${hours % 12 || 12}:${minutes}`;
  }

  function scrollToBottom() {
    const box = $('messages');
    box.scrollTop = box.scrollHeight;
  }

  // ---- acting as the user ----
  async function send(payload) {
    try {
      const result = await api('/sim/api/send', { user: state.user, ...payload });
      if (result.kind === 'uri' && result.uri) window.open(result.uri, '_blank', 'noopener');
      return result;
    } catch (error) {
      showLocalNotice(`送出失敗：${error.message}`);
    }
  }

  function performAction(action) {
    hideQuickReplies();
    switch (action.type) {
      case 'uri':
        // LINE opens URIs in its in-app browser; a new tab is the closest thing here.
        window.open(action.uri, '_blank', 'noopener');
        return;
      case 'postback':
        send({ type: 'postback', data: action.data, displayText: action.displayText ?? action.text });
        return;
      case 'message':
        send({ type: 'text', text: action.text });
        return;
      case 'clipboard':
        navigator.clipboard?.writeText(action.clipboardText).catch(() => {});
        return;
      case 'camera':
      case 'cameraRoll':
      case 'location':
        showLocalNotice(`「${action.label}」動作在模擬器中不支援`, 'info');
        return;
      default:
        send({ type: 'action', action });
    }
  }

  // ---- rendering entries ----
  function botRow(content, entry) {
    const row = document.createElement('div');
    row.className = 'row bot';
    const continuing = state.lastEntry && state.lastEntry.from === 'bot';
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.textContent = state.botName.slice(0, 1);
    if (continuing) avatar.style.visibility = 'hidden';
    const stack = document.createElement('div');
    stack.className = 'bot-stack';
    if (!continuing || entry.via === 'merchant') {
      const name = document.createElement('div');
      name.className = 'sender-name';
      name.textContent = entry.message.sender?.name || state.botName;
      if (entry.via === 'merchant') {
        // Only testers see this: in LINE the customer cannot tell a person from the bot.
        const tag = document.createElement('span');
        tag.className = 'merchant-tag';
        tag.textContent = '店家（真人）';
        name.appendChild(tag);
      }
      stack.appendChild(name);
    }
    const line = document.createElement('div');
    line.className = 'bubble-line';
    line.appendChild(content);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = timeLabel(entry.at);
    if (content.classList.contains('fx-carousel')) {
      // Like LINE: a carousel runs to both screen edges and the time follows its last bubble.
      row.classList.add('carousel-row');
      content.appendChild(meta);
    } else {
      line.appendChild(meta);
    }
    stack.appendChild(line);
    row.append(avatar, stack);
    return row;
  }

  function userRow(text, entry) {
    const row = document.createElement('div');
    row.className = 'row user';
    const line = document.createElement('div');
    line.className = 'bubble-line';
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.textContent = text;
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.innerHTML = `<span class="read">已讀</span><span>${timeLabel(entry.at)}</span>`;
    // 已讀 once the shop marked it (or a later message) read: mark-as-read, or the merchant answered.
    row.dataset.readable = '1';
    line.append(bubble, meta);
    row.appendChild(line);
    return row;
  }

  function renderTemplate(message) {
    const node = document.createElement('div');
    node.className = 'template';
    const template = message.template || {};
    const text = document.createElement('div');
    text.className = 'template-text';
    text.textContent = template.text || message.altText;
    node.appendChild(text);
    for (const action of template.actions || []) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.onclick = () => performAction(action);
      node.appendChild(button);
    }
    return node;
  }

  function renderBotMessage(message) {
    if (message.type === 'flex') {
      try {
        return window.FlexRender.render(message.contents, performAction);
      } catch (error) {
        const fallback = document.createElement('div');
        fallback.className = 'bubble';
        fallback.textContent = `${message.altText} (render error: ${error.message})`;
        return fallback;
      }
    }
    if (message.type === 'template') return renderTemplate(message);
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (message.type === 'text' || message.type === 'textV2') bubble.textContent = message.text;
    else if (message.type === 'image') {
      const img = document.createElement('img');
      img.src = message.previewImageUrl;
      img.style.maxWidth = '220px';
      img.style.borderRadius = '12px';
      bubble.style.padding = '0';
      bubble.style.background = 'transparent';
      bubble.appendChild(img);
    } else if (message.type === 'sticker') bubble.textContent = `[貼圖 ${message.packageId}/${message.stickerId}]`;
    else bubble.textContent = `[${message.type}]`;
    return bubble;
  }

  function noteRow(text, className = 'event-note') {
    const note = document.createElement('div');
    note.className = className;
    note.textContent = text;
    return note;
  }

  function renderEntry(entry) {
    if (entry.from === 'bot') return botRow(renderBotMessage(entry.message), entry);
    if (entry.from === 'user') {
      if (entry.type === 'follow') return noteRow(`你已將 ${state.botName} 加入好友`);
      if (entry.type === 'unfollow') return noteRow(`你已封鎖 ${state.botName}`);
      // A postback without displayText shows nothing in LINE; show a faint note so testers see it.
      if (entry.type === 'postback' && !entry.text) return noteRow(`postback: ${entry.postback?.data ?? ''}`);
      return userRow(entry.text ?? '', entry);
    }
    const notice = document.createElement('div');
    notice.className = `system ${entry.level}`;
    notice.dataset.testid = 'system-notice';
    notice.textContent = `⚠ ${entry.text}`;
    if (entry.details) {
      const pre = document.createElement('pre');
      pre.textContent = typeof entry.details === 'string' ? entry.details : JSON.stringify(entry.details, null, 1);
      notice.appendChild(pre);
    }
    return notice;
  }

  function appendEntries(entries) {
    const box = $('messages');
    const loading = $('loading-row');
    for (const entry of entries) {
      const node = renderEntry(entry);
      node.dataset.seq = String(entry.seq);
      node.dataset.from = entry.from;
      box.insertBefore(node, loading || null);
      if (entry.from !== 'system') state.lastEntry = entry;
      state.after = Math.max(state.after, entry.seq);
    }
    if (entries.length) {
      updateQuickReplies();
      scrollToBottom();
    }
  }

  function showLocalNotice(text, level = 'error') {
    const box = $('messages');
    box.appendChild(renderEntry({ from: 'system', level, text }));
    scrollToBottom();
  }

  // ---- quick replies, loading, rich menu ----
  function hideQuickReplies() {
    $('quick-replies').hidden = true;
  }

  function updateQuickReplies() {
    const holder = $('quick-replies');
    holder.innerHTML = '';
    const entry = state.lastEntry;
    const items = entry && entry.from === 'bot' ? entry.message.quickReply?.items : null;
    if (!items?.length) {
      holder.hidden = true;
      return;
    }
    for (const item of items) {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'quick-reply';
      if (item.imageUrl) {
        const icon = document.createElement('img');
        icon.src = item.imageUrl;
        chip.appendChild(icon);
      }
      chip.appendChild(document.createTextNode(item.action.label));
      chip.onclick = () => performAction(item.action);
      holder.appendChild(chip);
    }
    holder.hidden = false;
  }

  function updateLoading(loadingUntil, serverNow) {
    clearTimeout(state.loadingTimer);
    const existing = $('loading-row');
    const remaining = loadingUntil ? loadingUntil - serverNow : 0;
    if (remaining <= 0) {
      existing?.remove();
      return;
    }
    if (!existing) {
      const dots = document.createElement('div');
      dots.className = 'bubble loading-dots';
      dots.innerHTML = '<span></span><span></span><span></span>';
      const row = botRow(dots, { at: Date.now(), message: {} });
      row.id = 'loading-row';
      row.querySelector('.meta')?.remove();
      $('messages').appendChild(row);
      scrollToBottom();
    }
    state.loadingTimer = setTimeout(() => $('loading-row')?.remove(), remaining);
  }

  function setMode(mode) {
    state.mode = state.richMenu ? mode : 'keyboard';
    $('chat-bar').hidden = state.mode !== 'menu';
    $('input-bar').hidden = state.mode !== 'keyboard';
    $('to-menu').hidden = !state.richMenu;
    $('rich-menu').hidden = !(state.richMenu && state.mode === 'menu' && state.menuOpen);
    if (state.richMenu) {
      $('chat-bar-text').textContent = `${state.richMenu.chatBarText} ${state.menuOpen ? '▾' : '▴'}`;
    }
    if (state.mode === 'keyboard') $('text-input').focus({ preventScroll: true });
  }

  function updateRichMenu(menu) {
    const previous = state.richMenu?.richMenuId;
    state.richMenu = menu;
    if (!menu) {
      setMode('keyboard');
      return;
    }
    if (menu.richMenuId !== previous) {
      $('rich-menu-image').src = menu.imageUrl;
      const areas = $('rich-menu-areas');
      areas.innerHTML = '';
      menu.areas.forEach((area, index) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'rich-menu-area';
        button.title =
          area.action.label || area.action.displayText || area.action.data || area.action.text || area.action.uri || '';
        const { x, y, width, height } = area.bounds;
        Object.assign(button.style, {
          left: `${(x / menu.size.width) * 100}%`,
          top: `${(y / menu.size.height) * 100}%`,
          width: `${(width / menu.size.width) * 100}%`,
          height: `${(height / menu.size.height) * 100}%`,
        });
        button.onclick = () => {
          if (area.action.type === 'uri') window.open(area.action.uri, '_blank', 'noopener');
          else send({ type: 'richmenu', area: index });
        };
        areas.appendChild(button);
      });
      if (!previous) {
        state.menuOpen = menu.selected !== false;
        setMode('menu');
        return;
      }
    }
    setMode(state.mode);
  }

  function updateFollowBanner(user) {
    $('follow-banner').hidden = Boolean(user.following);
  }

  function updateRead(readUpTo) {
    state.readUpTo = readUpTo ?? 0;
    for (const row of document.querySelectorAll('#messages .row.user[data-readable]')) {
      row.classList.toggle('read', readUpTo !== null && Number(row.dataset.seq) <= readUpTo);
    }
  }

  // ---- long-poll loop ----
  async function poll(generation) {
    let wait = 0;
    while (generation === state.pollGeneration) {
      try {
        const snapshot = await api(
          `/sim/api/chat?user=${encodeURIComponent(state.user)}&after=${state.after}&read=${state.readUpTo}&wait=${wait}`,
        );
        if (generation !== state.pollGeneration) return;
        appendEntries(snapshot.entries);
        updateRead(snapshot.readUpTo);
        updateLoading(snapshot.loadingUntil, snapshot.now);
        updateRichMenu(snapshot.richMenu);
        updateFollowBanner(snapshot.user);
        wait = 25000;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  // ---- users ----
  async function refreshUsers() {
    const info = await api('/sim/api/info');
    state.botName = info.botName;
    $('bot-name').textContent = info.botName;
    document.title = `${info.botName} — LINE simulator`;
    const picker = $('user-picker');
    picker.innerHTML = '';
    for (const user of info.users) {
      const option = document.createElement('option');
      option.value = user.userId;
      option.textContent = user.displayName;
      option.title = user.userId;
      picker.appendChild(option);
    }
    return info.users;
  }

  async function openUser(userId) {
    state.user = userId;
    state.after = 0;
    state.readUpTo = 0;
    state.lastEntry = null;
    state.richMenu = null;
    $('messages').innerHTML = '';
    hideQuickReplies();
    const url = new URL(window.location.href);
    url.searchParams.set('user', userId);
    window.history.replaceState(null, '', url);
    $('user-picker').value = userId;
    state.pollGeneration += 1;
    poll(state.pollGeneration);
  }

  async function start() {
    const users = await refreshUsers();
    let userId = new URLSearchParams(window.location.search).get('user');
    if (!userId) {
      userId = users[0]?.userId || (await api('/sim/api/users', {})).userId;
    }
    if (!users.some((user) => user.userId === userId)) {
      await refreshUsers();
    }
    if (![...$('user-picker').options].some((option) => option.value === userId)) {
      const option = document.createElement('option');
      option.value = userId;
      option.textContent = userId;
      $('user-picker').appendChild(option);
    }
    await openUser(userId);
  }

  // ---- wiring ----
  $('input-bar').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text-input');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    hideQuickReplies();
    send({ type: 'text', text });
  });
  $('merchant-bar').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('merchant-input');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    try {
      await api('/sim/api/merchant', { user: state.user, text });
    } catch (err) {
      showLocalNotice(`店家回覆沒有送出：${err.message}`);
    }
  });
  $('follow').onclick = () => send({ type: 'follow' });
  $('unfollow').onclick = () => send({ type: 'unfollow' });
  $('chat-bar-text').onclick = () => {
    state.menuOpen = !state.menuOpen;
    setMode('menu');
  };
  $('to-keyboard').onclick = () => setMode('keyboard');
  $('to-menu').onclick = () => {
    state.menuOpen = true;
    setMode('menu');
  };
  $('new-user').onclick = async () => {
    const user = await api('/sim/api/users', {});
    await refreshUsers();
    await openUser(user.userId);
  };
  $('user-picker').onchange = (event) => openUser(event.target.value);
  setMode('keyboard');
  start();
})();
