# Run `age` on a pseudo-terminal, answering its passphrase prompts (age reads passphrases only
# from a terminal). Usage: age-tty.py PASSPHRASE -- AGE-ARGS...  Give age `-o FILE` for its
# output; exits with age's status.
import os, pty, sys

passphrase = sys.argv[1].encode()
args = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("age", ["age", *args])
buffer = b""
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    buffer += chunk
    if buffer.rstrip().endswith(b":"):
        os.write(fd, passphrase + b"\n")
        buffer = b""
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
