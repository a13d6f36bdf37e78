#include "tls/session_cache.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <ctime>

#include "tls/certificate.hpp"

namespace gatehouse::tls {
namespace {

void free_key(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
              void* /*argp*/) {
  delete static_cast<std::string*>(ptr);
}

// Where an SSL keeps the cache key it was offered under (freed with the SSL).
int key_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_key);
  return index;
}

// Where a client SSL_CTX points at its cache (asio uses the app data slot).
int cache_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* cache = static_cast<SessionCache*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), cache_index()));
  const auto* key = static_cast<const std::string*>(SSL_get_ex_data(ssl, key_index()));
  if (cache == nullptr || key == nullptr) return 0;  // OpenSSL keeps and frees the session
  cache->store(*key, session);
  return 1;
}

bool expired(const SSL_SESSION* session, std::time_t now) {
  return SSL_SESSION_get_time(session) + SSL_SESSION_get_timeout(session) <= now;
}

}  // namespace

void SessionCache::attach(SSL_CTX* ctx, SessionCache* cache) {
  SSL_CTX_set_ex_data(ctx, cache_index(), cache);
  SSL_CTX_sess_set_new_cb(ctx, cache != nullptr ? on_new_session : nullptr);
}

bool SessionCache::offer(SSL* ssl, const std::string& key) {
  delete static_cast<std::string*>(SSL_get_ex_data(ssl, key_index()));  // offered twice
  auto* tag = new std::string{key};
  if (SSL_set_ex_data(ssl, key_index(), tag) != 1) {
    delete tag;
    ERR_clear_error();
    return false;
  }
  SessionPtr session;
  {
    std::lock_guard lock{mutex_};
    const auto found = sessions_.find(key);
    if (found == sessions_.end()) return false;
    auto& pool = found->second;
    const auto now = std::time(nullptr);
    // Newest first; expired ones are dropped on the way. Each session is offered once.
    while (!pool.empty() && !session) {
      if (!expired(pool.back().get(), now)) session = std::move(pool.back());
      pool.pop_back();
    }
    if (pool.empty()) sessions_.erase(found);
  }
  if (!session) return false;
  if (SSL_set_session(ssl, session.get()) != 1) {  // takes its own reference
    ERR_clear_error();
    return false;
  }
  return true;
}

void SessionCache::store(const std::string& key, SSL_SESSION* received) {
  const SessionPtr original{received};
  // A copy: OpenSSL marks the connection's own session unresumable when that connection ends
  // without close_notify, which says nothing about the ticket.
  SessionPtr owned{SSL_SESSION_dup(received)};
  SSL_SESSION* session = owned.get();
  if (session == nullptr) {
    ERR_clear_error();
    return;
  }
  const X509* peer = SSL_SESSION_get0_peer(session);
  if (peer == nullptr || SSL_SESSION_is_resumable(session) != 1) return;
  const auto now = std::chrono::system_clock::now();
  const auto until_expiry = std::chrono::duration_cast<std::chrono::seconds>(not_after(peer) - now);
  const auto lifetime = std::min(kLifetime, until_expiry);
  if (lifetime.count() <= 0) return;
  SSL_SESSION_set_time(session, static_cast<long>(std::chrono::system_clock::to_time_t(now)));
  SSL_SESSION_set_timeout(session, static_cast<long>(lifetime.count()));
  std::lock_guard lock{mutex_};
  if (sessions_.size() >= kMaxPeers && !sessions_.contains(key)) sessions_.clear();
  auto& pool = sessions_[key];
  if (pool.size() >= kMaxPerPeer) pool.erase(pool.begin());  // the oldest goes first
  pool.push_back(std::move(owned));
}

std::size_t SessionCache::size() const {
  std::lock_guard lock{mutex_};
  std::size_t total = 0;
  for (const auto& [key, pool] : sessions_) total += pool.size();
  return total;
}

}  // namespace gatehouse::tls
