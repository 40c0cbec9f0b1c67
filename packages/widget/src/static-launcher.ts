const SVG = 'http://www.w3.org/2000/svg';

/**
 * The closed launcher as plain DOM, for the script tag's facade: `<div class="w">` holding the
 * button exactly as `ui/launcher.tsx` renders it closed (class, part, `aria-expanded`, icon),
 * so that Preact, rendering the app into the same container, takes these nodes over in place.
 * The caller sets the accessible name.
 */
export function staticLauncher(doc: Document): { wrap: HTMLElement; button: HTMLButtonElement } {
  const wrap = doc.createElement('div');
  wrap.className = 'w';
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'l';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-expanded', 'false');
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = doc.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M4 4h16v12H9l-5 4z');
  svg.append(path);
  button.append(svg);
  wrap.append(button);
  return { wrap, button };
}
