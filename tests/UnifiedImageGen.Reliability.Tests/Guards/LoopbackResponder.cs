using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace UnifiedImageGen.Reliability.Tests.Guards;

/// <summary>
/// A loopback TCP server that answers every request with one canned HTTP/1.1 response and records each request line:
/// a stand-in for a proxy (which sees <c>CONNECT host:443</c>, RFC 9110 section 9.3.6) or for an image host that
/// redirects (302 with <c>Location</c>, RFC 9110 section 15.4.3). It speaks plain HTTP only: no provider's protocol.
/// </summary>
// Source: RFC 9110 (spec: sections 9.3.6 CONNECT and 15.4.3 302 Found); the guards it tests are PROVIDERS.md 10.
internal sealed class LoopbackResponder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackResponder(Func<int, string> response)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        byte[] answer = Encoding.ASCII.GetBytes(response(Port));
        _accepting = AcceptAsync(answer);
    }

    public int Port { get; }

    /// <summary>The first line of each request received, such as <c>CONNECT cdn.example.com:443 HTTP/1.1</c>.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    public static LoopbackResponder Proxy() => new(_ => "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    public static LoopbackResponder Redirect(string location) => new(_ => $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(byte[] answer)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var head = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            string text = head.ToString();
            if (text.Length > 0)
            {
                RequestLines.Enqueue(text[..Math.Max(0, text.IndexOf("\r\n", StringComparison.Ordinal))]);
                await stream.WriteAsync(answer, _stop.Token);
            }
        }
    }
}
