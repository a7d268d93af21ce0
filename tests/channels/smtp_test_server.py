#!/usr/bin/python3
# The SMTP peer of tst_emailchannel (see SmtpTestServer.h): Debian's aiosmtpd with STARTTLS or implicit TLS
# required and AUTH for one user. Usage: smtp_test_server.py starttls|implicit CERT KEY USER PASSWORD
# Prints {"event": "ready", "port": N}, then one {"event": "message", …} line per accepted message,
# and stops when its stdin closes.
import email, email.policy, json, socket, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, certfile, keyfile, user, password = sys.argv[1:6]
SES_MESSAGE_ID = "0100018c5e2f7a1b-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f-000000"

def out(obj):
    print(json.dumps(obj), flush=True)

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address.startswith("busy@"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        undecoded = email.message_from_bytes(raw)
        def part(subtype):
            body = msg.get_body(preferencelist=(subtype,))
            if body is None or body.get_content_subtype() != subtype:
                return None
            return body.get_content()
        out({"event": "message", "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
             "from": str(msg["From"]), "to": str(msg["To"]),
             "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
             "subject": str(msg["Subject"]), "raw_subject": undecoded["Subject"],
             "message_id": str(msg["Message-ID"]), "date": str(msg["Date"]),
             "content_type": msg.get_content_type(), "text": part("plain"), "html": part("html"),
             "tls": server.transport.get_extra_info("ssl_object") is not None, "authenticated": bool(session.authenticated)})
        if any(r.startswith("ses@") for r in envelope.rcpt_tos):
            # Amazon SES's SMTP interface: its own message id in the answer to DATA.
            return "250 Ok " + SES_MESSAGE_ID
        return "250 2.0.0 queued"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user and auth_data.password.decode() == password)
    # handled=False: aiosmtpd answers 235 or 535 itself.
    return AuthResult(success=ok, handled=False)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(certfile, keyfile)
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
common = dict(authenticator=authenticator, auth_required=True, server_hostname="localhost")
if mode == "starttls":
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_require_tls=True, **common)
else:
    # aiosmtpd only counts STARTTLS as TLS, so AUTH must not wait for it on a connection that is TLS from the start.
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ssl_context=context, auth_require_tls=False, **common)
controller.start()
out({"event": "ready", "port": port})
sys.stdin.read()
controller.stop()
