// Placeholder entry until the app lands; it only says what the page is.
const root = document.querySelector<HTMLElement>('#app');
if (root) root.textContent = '监督工作台';
