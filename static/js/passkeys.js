/* Glue for django-otp-webauthn's scripts (loaded after this one, as modules).
 *
 * The library's messages go through Django's JavaScript catalog; this site is in English and
 * serves no catalog, so `gettext` returns its text unchanged.
 * After a passkey is registered the page is loaded again, so that the server lists it and says so.
 * When a failed passkey locks the account, the server answers with its lockout page (HTML, not
 * JSON); it is shown in place of this one, as it is after a wrong code, with focus on its heading.
 */
(function () {
  "use strict";
  if (typeof window.gettext !== "function") {
    window.gettext = function (text) { return text; };
  }

  function showPage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    var heading = document.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
  document.addEventListener("otp_webauthn.verification_failed", function (event) {
    var response = event.detail && event.detail.response;
    var type = response ? response.headers.get("content-type") || "" : "";
    if (response && response.status === 403 && type.indexOf("text/html") === 0) {
      response.text().then(showPage);
    }
  });
}());
