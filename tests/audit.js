// What a reader would see wrong on the card in the page: sideways scrolling, text below
// WCAG contrast (4.5:1 body text, 3:1 code tokens), images that did not load or overflow.
async () => {
  const problems = [];
  if (window.MathJax && MathJax.startup) {
    await MathJax.startup.promise;
    for (const err of document.querySelectorAll('mjx-merror, [data-mjx-error]')) {
      problems.push(`math error: ${err.getAttribute('data-mjx-error') || err.textContent}`);
    }
    const raw = document.body.innerText.match(/\\[(\[][^\n]{0,40}/);
    if (raw) problems.push(`math not typeset: ${raw[0]}`);
  }
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
  }
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || el.closest('style,script')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const inCode = !!el.closest('.highlight');
    const need = inCode ? 3 : 4.5;
    const ratio = contrast(rgba(style.color), background(el));
    if (ratio < need) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${need} for "${node.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${background(el).slice(0, 3)}))`);
    }
  }
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push(`image not loaded: ${img.getAttribute('src')}`);
    const box = img.getBoundingClientRect();
    if (box.right > window.innerWidth + 1) problems.push(`image wider than the viewport: ${img.getAttribute('src')}`);
  }
  return problems;
}
