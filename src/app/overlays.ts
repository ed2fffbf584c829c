// Plain-DOM overlays: the message box (bad URL values, errors — so a problem is never a blank page) and the help
// panel listing every key (generated from the key map, so it cannot drift from what the keys do).
import { KEY_BINDINGS, MOUSE_HELP } from './keyMap';

export function showMessage(title: string, lines: readonly string[], kind: 'warning' | 'error' = 'warning'): void {
  const box = document.getElementById('message') ?? document.body.appendChild(document.createElement('div'));
  box.id = 'message';
  box.className = `message ${kind}`;
  box.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = title;
  box.appendChild(heading);
  const list = document.createElement('ul');
  for (const line of lines) {
    const item = document.createElement('li');
    item.textContent = line;
    list.appendChild(item);
  }
  box.appendChild(list);
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.title = 'dismiss';
  close.addEventListener('click', () => (box.hidden = true));
  box.appendChild(close);
  box.hidden = false;
}

export class HelpOverlay {
  private readonly element: HTMLElement;

  constructor() {
    this.element = document.getElementById('help') ?? document.body.appendChild(document.createElement('div'));
    this.element.id = 'help';
    this.element.replaceChildren();
    const heading = document.createElement('h2');
    heading.textContent = 'QRES · Living Brain';
    this.element.appendChild(heading);
    const table = document.createElement('table');
    const rows: [string, string][] = [...KEY_BINDINGS.map((b): [string, string] => [b.label, b.help]), ...MOUSE_HELP];
    for (const [key, what] of rows) {
      const tr = document.createElement('tr');
      const k = document.createElement('td');
      const kbd = document.createElement('kbd');
      kbd.textContent = key;
      k.appendChild(kbd);
      const d = document.createElement('td');
      d.textContent = what;
      tr.append(k, d);
      table.appendChild(tr);
    }
    this.element.appendChild(table);
    const legend = document.createElement('p');
    legend.className = 'legend';
    legend.innerHTML =
      '<span style="color:#4a7dff">● calm</span> <span style="color:#ffb020">● pre-storm</span> ' +
      '<span style="color:#ff4a1a">● storm</span> <span style="color:#d040ff">● evolved</span> ' +
      '<span style="color:#888">● banned</span> · URL: ?nodes=&amp;seed=&amp;speed=1|10|max&amp;paused=1&amp;loss=&amp;cinematic=1&amp;rotate=0';
    this.element.appendChild(legend);
    this.element.hidden = true;
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
  }
}
