#!/usr/bin/env python3
"""Memory per parked client: N sessions each hold a parked /listen, then the same N hold an idle /stream.

Usage: parked-cost.py BASE_URL HUB_PID listen|relisten|stream [N]   (a fresh, loopback-only hub for each run: RSS never shrinks)
Prints the hub's RSS after the joins and with the N clients parked, and the KB per client.
"""
import asyncio, json, sys, time, urllib.request

BASE, PID = sys.argv[1].rstrip('/'), int(sys.argv[2])
ROUTE = sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
HOST, PORT = BASE.split('//')[1].split(':')[0], int(BASE.rsplit(':', 1)[1])
PER_CHANNEL = 500  # below the default sessions-per-channel cap


def post(path, body, headers=None):
    req = urllib.request.Request(BASE + path, json.dumps(body).encode(), {'Content-Type': 'application/json', **(headers or {})})
    return json.load(urllib.request.urlopen(req))


def rss_kb():
    for line in open(f'/proc/{PID}/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])


async def hold(route, channel, token, sid, opened, stop):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    if route == 'relisten':
        # A poller's steady state: its keep-alive connection has answered a listen before this one parks.
        writer.write(f'GET /api/channels/{channel}/listen?timeout=1 HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n'
                     f'X-Session-Id: {sid}\r\n\r\n'.encode())
        await writer.drain()
        await reader.readuntil(b'"cursor"')
    query = 'stream' if route == 'stream' else 'listen?timeout=60'
    writer.write(f'GET /api/channels/{channel}/{query} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n'
                 f'X-Session-Id: {sid}\r\n\r\n'.encode())
    await writer.drain()
    if route == 'stream':
        await reader.readuntil(b'event: hello')  # the stream is open and parked
    opened.append(1)
    await stop.wait()
    writer.close()


async def phase(route, sessions):
    opened, stop = [], asyncio.Event()
    tasks = [asyncio.create_task(hold(route, c, t, s, opened, stop)) for c, t, s in sessions]
    while len(opened) < len(sessions):
        await asyncio.sleep(0.1)
    await asyncio.sleep(1 if route == 'stream' else 2)  # listens park after the request is read
    kb = rss_kb()
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(2)
    return kb


def main():
    sessions = []
    for i in range(N):
        if i % PER_CHANNEL == 0:
            created = post('/api/channels', {})
            channel, token = created['channel_id'], created['join_token']
        joined = post(f'/api/channels/{channel}/join', {'callsign': f'a{i}'}, {'Authorization': f'Bearer {token}'})
        sessions.append((channel, token, joined['session_id']))
    time.sleep(1)
    base = rss_kb()
    held = asyncio.run(phase(ROUTE, sessions))
    print(f'{N} sessions: RSS {base} KB joined; {held} KB with {N} parked {ROUTE}s ({(held - base) / N:.1f} KB each)')


main()
