/**
 * GET /: the accepted events shown as a user's notifications, newest first. The page asks GET /events every
 * second and redraws, so new notifications appear without a reload. Text is set with textContent only.
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
</style>
</head>
<body>
<header>
  <h1>Notifications</h1>
  <p>What a user would hear: every event this emulator of Amazon's Proactive Events API accepted, newest first.</p>
</header>
<main id="notifications"><p class="empty">Loading…</p></main>
<script>
  const list = document.getElementById('notifications');
  function card(event) {
    const item = document.createElement('article');
    item.className = 'card';
    item.dataset.referenceId = event.referenceId;
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = event.text;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const audience = event.audience === 'Multicast' ? 'every subscriber' : 'user ' + event.audience;
    meta.textContent = [new Date(event.acceptedAt).toLocaleTimeString(), event.event, audience, event.stage, event.locale].join(' · ');
    item.append(text, meta);
    return item;
  }
  let shown = null; // ids of the events on screen; null until the first answer
  async function refresh() {
    try {
      const events = await (await fetch('events', { cache: 'no-store' })).json();
      const key = events.map((event) => event.id).join(',');
      if (key === shown) return;
      shown = key;
      if (events.length === 0) {
        list.innerHTML = '<p class="empty">No notifications yet. Events the emulator accepts appear here within a second.</p>';
        return;
      }
      list.replaceChildren(...events.slice().reverse().map(card));
    } catch (error) {
      list.innerHTML = '<p class="empty">The emulator is not answering.</p>';
      shown = null;
    }
  }
  refresh();
  setInterval(refresh, 1000);
</script>
</body>
</html>
`;
