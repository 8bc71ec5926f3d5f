/* Glue for django-otp-webauthn's scripts (loaded after this one, as modules).
 *
 * The library's messages go through Django's JavaScript catalog; this site is in English and
 * serves no catalog, so `gettext` returns its text unchanged.
 * After a passkey is registered, or a verification ends the session (a lockout), the page is
 * loaded again so that the server tells what happened.
 */
(function () {
  "use strict";
  if (typeof window.gettext !== "function") {
    window.gettext = function (text) { return text; };
  }
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
  document.addEventListener("otp_webauthn.verification_failed", function (event) {
    var response = event.detail && event.detail.response;
    if (response && response.status === 403) {
      window.location.reload();
    }
  });
}());
