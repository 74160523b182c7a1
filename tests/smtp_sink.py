"""A local SMTP server that counts what arrives, for the fault tests and bench/faults.py (stdlib
only: asyncio in a thread; the stdlib smtpd is deprecated, gone in 3.12, and aiosmtpd is not installed).

It accepts every message on 127.0.0.1 and records it (recipients, subject) once the client has sent
the whole message (the final '.'), as a real server would. `hold_after(n)`: after n messages the
server stops answering the next MAIL command until `release()`, so a test can kill the sender at a
known point, between two messages; `delay` slows every message down (a slow mail relay)."""

import asyncio
import socket
import threading
from collections import Counter
from email import message_from_bytes, policy


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self, delay=0.0):
        self.port = _free_port()
        self.delay = delay
        self.messages = []  # (recipients, subject), in order of arrival
        self.lock = threading.Lock()
        self._hold_at = None
        self.holding = threading.Event()
        self._released = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="smtp-sink", daemon=True)
        started = threading.Event()
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(started), self._loop)
        if not started.wait(10):
            raise RuntimeError("SMTP sink did not start")

    # --- what a test reads -------------------------------------------------------------------
    def count(self):
        with self.lock:
            return len(self.messages)

    def per_recipient(self):
        with self.lock:
            return Counter(rcpt for rcpts, _ in self.messages for rcpt in rcpts)

    def subjects(self):
        with self.lock:
            return Counter(subject for _, subject in self.messages)

    def hold_after(self, n):
        self._hold_at = n
        self.holding.clear()
        self._loop.call_soon_threadsafe(self._new_gate)

    def release(self):
        self._hold_at = None
        self._loop.call_soon_threadsafe(lambda: self._released and self._released.set())

    def stop(self):
        self.release()
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _shutdown(self):
        self._server.close()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    # --- the server ----------------------------------------------------------------------------
    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def _new_gate(self):
        self._released = asyncio.Event()

    async def _serve(self, started):
        self._server = await asyncio.start_server(self._session, "127.0.0.1", self.port)
        started.set()

    async def _session(self, reader, writer):
        def say(line):
            writer.write(line.encode() + b"\r\n")

        recipients = []
        try:
            say("220 sink ESMTP")
            await writer.drain()
            while line := await reader.readline():
                command = line.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb in ("HELO", "EHLO"):
                    say("250-sink" if verb == "EHLO" else "250 sink")
                    if verb == "EHLO":
                        say("250 8BITMIME")
                elif verb == "MAIL":
                    if self._hold_at is not None and self.count() >= self._hold_at:
                        self.holding.set()
                        await self._released.wait()
                    recipients = []
                    say("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip().strip("<>").lower())
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    data = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if not chunk:
                        return  # the client died mid-message: nothing arrived
                    subject = str(message_from_bytes(bytes(data), policy=policy.default)["subject"] or "")
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    with self.lock:
                        self.messages.append((tuple(recipients), subject))
                    say("250 OK queued")
                elif verb == "RSET":
                    recipients = []
                    say("250 OK")
                elif verb == "QUIT":
                    say("221 Bye")
                    await writer.drain()
                    return
                else:
                    say("250 OK")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            writer.close()
