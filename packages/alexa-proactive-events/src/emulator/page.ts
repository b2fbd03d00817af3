/**
 * GET /: the accepted events shown as a user's notifications, newest first, each in every locale it carries, and
 * the subscribers: a user's events turned on and off here as in the Alexa app (PUT /subscriptions/<user>, which
 * tells the skill), and each device's time zone as the Settings API gives it, set here as in the Alexa app (PUT
 * /settings/<deviceId>). The page asks GET /events, GET /subscriptions and GET /settings every second and redraws, so
 * changes appear without a reload. Text is set with textContent only.
 */
export const NOTIFICATIONS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notifications · Proactive Events emulator</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #0f1b2d; color: #e8eef7; }
  header { padding: 20px 24px 8px; }
  h1 { font-size: 20px; margin: 0; }
  header p { margin: 4px 0 0; color: #9fb3cc; font-size: 14px; }
  main { padding: 8px 24px 32px; max-width: 760px; }
  .card { background: #18294a; border-left: 4px solid #31c4f3; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
  .text { font-size: 18px; }
  .meta { color: #9fb3cc; font-size: 13px; margin-top: 6px; }
  .empty { color: #9fb3cc; }
  .locale { color: #9fb3cc; font-size: 13px; margin-right: 6px; }
  section { margin: 8px 0 24px; }
  h2 { font-size: 16px; margin: 16px 0 4px; }
  .user { background: #18294a; border-radius: 8px; padding: 8px 16px; margin: 8px 0; }
  .user label { display: inline-block; margin: 4px 16px 4px 0; font-size: 14px; }
  form input, form select, form button { font: inherit; font-size: 14px; }
  #status { color: #9fb3cc; font-size: 13px; min-height: 1.4em; }
</style>
</head>
<body>
<header>
  <h1>Notifications</h1>
  <p>What a user would hear: every event this emulator of Amazon's Proactive Events API accepted, newest first.</p>
</header>
<main>
<section id="subscribers-section" hidden>
  <h2>Subscribers</h2>
  <p class="meta">Turn a user's notifications on and off, as they would in the Alexa app; each change is sent to the skill.</p>
  <div id="subscribers"></div>
  <form id="add">
    <input id="new-user" placeholder="user id, e.g. amzn1.ask.account.ME" size="34" required>
    <select id="new-locale"><option>en-US</option><option>de-DE</option></select>
    <button>Subscribe to every event</button>
  </form>
  <div id="status" role="status"></div>
</section>
<section id="time-zones-section">
  <h2>Time zones</h2>
  <p class="meta">Each device's time zone, as a skill reads it from Alexa's Settings API (System.timeZone); a device not listed has <span id="default-zone">America/Los_Angeles</span>.</p>
  <div id="time-zones"></div>
  <form id="set-zone">
    <input id="zone-device" placeholder="device id, e.g. amzn1.ask.device.DEV" size="34" required aria-label="device id">
    <input id="zone-name" list="zone-names" placeholder="Europe/Berlin" size="20" aria-label="time zone">
    <datalist id="zone-names"></datalist>
    <button id="zone-set">Set time zone</button>
    <button id="zone-clear" type="button">No time zone</button>
  </form>
  <div id="zone-status" role="status"></div>
</section>
<h2>Notifications</h2>
<div id="notifications"><p class="empty">Loading…</p></div>
</main>
<script>
  const list = document.getElementById('notifications');
  const subscribersSection = document.getElementById('subscribers-section');
  const subscribersList = document.getElementById('subscribers');
  const status = document.getElementById('status');
  function line(className, text) {
    const element = document.createElement('div');
    element.className = className;
    element.textContent = text;
    return element;
  }
  function card(event) {
    const item = document.createElement('article');
    item.className = 'card';
    item.dataset.referenceId = event.referenceId;
    const texts = Object.entries(event.texts);
    for (const [locale, text] of texts.length > 0 ? texts : [[event.locale, event.text]]) {
      const row = line('text', '');
      row.dataset.locale = locale;
      const tag = document.createElement('span');
      tag.className = 'locale';
      tag.textContent = locale;
      const said = document.createElement('span');
      said.className = 'said';
      said.textContent = text;
      row.append(tag, said);
      item.append(row);
    }
    let audience = event.audience === 'Multicast' ? 'every subscriber' : 'user ' + event.audience;
    if (event.reached && event.audience === 'Multicast') {
      audience = event.reached.length === 0 ? 'reached no one: no user here has turned this event on' : 'reached ' + event.reached.join(', ');
    }
    item.append(line('meta', [new Date(event.acceptedAt).toLocaleTimeString(), event.event, audience, event.stage].join(' · ')));
    return item;
  }
  async function save(user, events, locale) {
    status.textContent = 'Saving…';
    try {
      const response = await fetch('subscriptions/' + encodeURIComponent(user), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(locale ? { events, locale } : { events }),
      });
      const answer = await response.json();
      if (!response.ok) status.textContent = 'Not saved: ' + answer.message;
      else status.textContent = 'Saved for ' + user + (answer.skill ? (answer.skill.delivered ? '; ' : '; not told: ') + answer.skill.message : '; no skill to tell (start the emulator with --skill)');
    } catch (error) {
      status.textContent = 'The emulator is not answering.';
    }
    shownSubscribers = null;
    refreshSubscribers();
  }
  let shownSubscribers = null;
  let publishedEvents = []; // the events a user may turn on, from the last GET /subscriptions
  async function refreshSubscribers() {
    const state = await (await fetch('subscriptions', { cache: 'no-store' })).json();
    publishedEvents = state.events;
    subscribersSection.hidden = !state.tracked;
    const key = JSON.stringify(state.subscribers);
    if (key === shownSubscribers) return;
    shownSubscribers = key;
    subscribersList.replaceChildren(...state.subscribers.map((subscriber) => {
      const box = document.createElement('div');
      box.className = 'user';
      box.dataset.user = subscriber.user;
      box.append(line('meta', subscriber.user + ' · ' + subscriber.locale));
      for (const event of state.events) {
        const label = document.createElement('label');
        const toggle = document.createElement('input');
        toggle.type = 'checkbox';
        toggle.dataset.event = event;
        toggle.checked = subscriber.events.includes(event);
        toggle.addEventListener('change', () => {
          const events = state.events.filter((name) => (name === event ? toggle.checked : subscriber.events.includes(name)));
          save(subscriber.user, events);
        });
        label.append(toggle, document.createTextNode(' ' + event));
        box.append(label);
      }
      return box;
    }));
  }
  document.getElementById('add').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const user = document.getElementById('new-user').value.trim();
    if (user) save(user, publishedEvents, document.getElementById('new-locale').value);
  });
  const zoneStatus = document.getElementById('zone-status');
  async function saveZone(timeZone) {
    const device = document.getElementById('zone-device').value.trim();
    if (!device) return void (zoneStatus.textContent = 'Name a device first.');
    zoneStatus.textContent = 'Saving…';
    try {
      const response = await fetch('settings/' + encodeURIComponent(device), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timeZone }),
      });
      const answer = await response.json();
      zoneStatus.textContent = response.ok ? 'Saved for ' + device + ': ' + (answer.timeZone ?? 'no time zone') : 'Not saved: ' + answer.message;
    } catch (error) {
      zoneStatus.textContent = 'The emulator is not answering.';
    }
    refreshZones();
  }
  document.getElementById('set-zone').addEventListener('submit', (submit) => {
    submit.preventDefault();
    saveZone(document.getElementById('zone-name').value.trim());
  });
  document.getElementById('zone-clear').addEventListener('click', () => saveZone(null));
  if (Intl.supportedValuesOf) {
    document.getElementById('zone-names').replaceChildren(...Intl.supportedValuesOf('timeZone').map((zone) => {
      const option = document.createElement('option');
      option.value = zone;
      return option;
    }));
  }
  let shownZones = null;
  async function refreshZones() {
    const state = await (await fetch('settings', { cache: 'no-store' })).json();
    const key = JSON.stringify(state);
    if (key === shownZones) return;
    shownZones = key;
    document.getElementById('default-zone').textContent = state.default;
    document.getElementById('time-zones').replaceChildren(...state.devices.map((device) => {
      const row = line('user', device.deviceId + ' · ' + (device.timeZone ?? 'no time zone (204)'));
      row.dataset.device = device.deviceId;
      return row;
    }));
  }
  let shown = null; // ids of the events on screen; null until the first answer
  async function refresh() {
    try {
      const answer = await fetch('events', { cache: 'no-store' });
      const events = await answer.json();
      const dropped = Number(answer.headers.get('x-dropped-events') ?? 0);
      const key = events.map((event) => event.id).join(',');
      if (key === shown) return;
      shown = key;
      if (events.length === 0) {
        list.innerHTML = '<p class="empty">No notifications yet. Events the emulator accepts appear here within a second.</p>';
        return;
      }
      const older = dropped > 0 ? [line('empty', dropped + ' older notification' + (dropped === 1 ? ' is' : 's are') + ' no longer kept (the emulator keeps the latest ' + events.length + ').')] : [];
      list.replaceChildren(...events.slice().reverse().map(card), ...older);
    } catch (error) {
      list.innerHTML = '<p class="empty">The emulator is not answering.</p>';
      shown = null;
    }
  }
  const tick = () => { refresh(); refreshSubscribers().catch(() => undefined); refreshZones().catch(() => undefined); };
  tick();
  setInterval(tick, 1000);
</script>
</body>
</html>
`;
