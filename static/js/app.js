// The app's own script, served from 'self' for the Content-Security-Policy: no inline
// handlers (hx-on needs eval). One delegated listener, so rows htmx adds later work too.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-remove-closest]");
  if (button) {
    button.closest(button.dataset.removeClosest)?.remove();
  }
});
