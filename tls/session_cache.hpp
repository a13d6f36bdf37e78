#pragma once
// The client's resumable TLS sessions, a few per upstream instance (host:port + expected
// identity). Each is offered once, newest first (RFC 8446 C.4: a ticket is not reused, and our
// server's stateful tickets are single-use), so concurrent connections to one instance each
// resume with their own. A cache belongs to exactly one client TlsContext: a CA roots or leaf
// change builds a new context with an empty cache, so a session made under old roots is never
// offered again.

#include <openssl/ssl.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace gatehouse::tls {

class SessionCache {
 public:
  static constexpr std::size_t kMaxPeers = 1024;   // beyond this the cache starts over
  static constexpr std::size_t kMaxPerPeer = 64;   // about the concurrency worth resuming
  static constexpr std::chrono::seconds kLifetime{300};

  // Tags `ssl` with `key` (so the sessions it receives are stored under it) and takes the newest
  // fresh cached session, if any, to be offered in the handshake. Returns whether one was set.
  bool offer(SSL* ssl, const std::string& key);

  // Takes ownership of `received` (from SSL_CTX_sess_set_new_cb: TLS 1.3 tickets arrive after the
  // handshake). Its lifetime is cut to kLifetime and never beyond the peer certificate's notAfter.
  void store(const std::string& key, SSL_SESSION* received);

  std::size_t size() const;  // sessions held, over all peers

  // Installs the new-session callback on a client SSL_CTX, storing into `cache` (may be null to
  // detach it).
  static void attach(SSL_CTX* ctx, SessionCache* cache);

 private:
  using SessionPtr = std::unique_ptr<SSL_SESSION, OpensslDeleter<SSL_SESSION_free>>;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<SessionPtr>> sessions_;
};

}  // namespace gatehouse::tls
