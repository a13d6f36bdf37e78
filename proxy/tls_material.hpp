#pragma once
// Keeps the sidecar's TLS contexts current (via tls/context_slot.hpp): blocking watches on the CA
// roots and on the leaf of our service; each change builds complete new server and client contexts
// from the leaf and ALL roots, checks them and publishes them atomically. The first published pair
// makes the sidecar ready. Runs on the control io_context; the slots are read by every worker.
//
// Leaf and roots arrive separately, so during a CA change one of them is briefly ahead of the
// other: a new leaf before the roots that sign it (the dev agent; Consul's leaf carries a
// cross-signed intermediate that chains to the old root), or roots without the old root after an
// agent restart with a new CA, before the new leaf. Such a half is HELD (`event=leaf_held` or
// `event=roots_held`, info) while the current contexts keep serving; the other half completes the
// pair. Only a pair still unmatched after `pair_timeout` is an error (`event=rotation_failed`),
// as is any other failed build (wrong service, key mismatch); the old contexts stay.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "consul/agent_client.hpp"
#include "consul/blocking_query.hpp"
#include "consul/ca_root.hpp"
#include "consul/leaf_cert.hpp"
#include "proxy/metrics.hpp"
#include "proxy/watch_health.hpp"
#include "tls/context_slot.hpp"

namespace gatehouse::proxy {

struct TlsContexts {
  std::shared_ptr<const tls::TlsContext> server;
  std::shared_ptr<const tls::TlsContext> client;
};

// Pure: both contexts from one leaf and one roots answer. The leaf must be `service`'s identity.
boost::system::result<TlsContexts, std::string> build_contexts(const consul::LeafCert& leaf,
                                                               const consul::CaRoots& roots,
                                                               const std::string& service);

// Pure: does the leaf (with the intermediates it carries) verify against these roots?
enum class LeafTrust {
  verified,
  unverified,  // well-formed, but no chain to any of the roots: wait for the other half
  unreadable,  // the leaf or a root could not be parsed: an error whatever arrives next
};
struct LeafTrustCheck {
  LeafTrust trust = LeafTrust::verified;
  std::string reason;  // empty when verified
};
LeafTrustCheck check_leaf_trust(const consul::LeafCert& leaf, const consul::CaRoots& roots);

struct TlsMaterialOptions {
  consul::BlockingOptions watch;                   // both watches (backoff, wait)
  std::chrono::milliseconds pair_timeout{30'000};  // how long a held leaf or roots wait
};

class TlsMaterial {
 public:
  TlsMaterial(const boost::asio::any_io_executor& executor, consul::AgentConfig config,
              std::string service, tls::ContextSlot& server_slot, tls::ContextSlot& client_slot,
              std::function<void()> on_ready, TlsMaterialOptions options = {});
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;
  ~TlsMaterial();

  void start();
  void stop();
  bool ready() const { return ready_; }

  // Before start(): the watches' outcomes go to `health` (as `roots` and `leaf`), and every
  // published pair's CA roots (ID and expiry) to `published_roots`.
  void report_to(const std::shared_ptr<WatchHealth>& health,
                 std::function<void(std::vector<RootExpiry>)> published_roots);

  // What the watches call with every new answer; tests call them directly, in any order.
  void on_roots(const consul::CaRoots& roots);
  void on_leaf(const consul::LeafCert& leaf);

 private:
  enum class Held { nothing, leaf, roots };
  void rebuild(Held newest);
  void hold(Held what, const std::string& why);
  void release_hold();
  void on_pair_timeout();
  std::string leaf_serial_in_use() const;  // "" before the first published context

  consul::AgentClient agent_;
  std::string service_;
  tls::ContextSlot& server_slot_;
  tls::ContextSlot& client_slot_;
  std::function<void()> on_ready_;
  std::function<void(std::vector<RootExpiry>)> on_roots_published_;
  std::optional<consul::CaRoots> roots_;
  std::optional<consul::LeafCert> leaf_;
  bool ready_ = false;
  TlsMaterialOptions options_;
  Held held_ = Held::nothing;
  std::string held_reason_;  // why the held half does not pair with the other one
  bool timeout_logged_ = false;
  // Bumped by every release and by the destructor: a timer firing for an older hold does nothing.
  std::shared_ptr<std::uint64_t> hold_generation_ = std::make_shared<std::uint64_t>(0);
  boost::asio::steady_timer hold_timer_;
  consul::Watch<consul::CaRoots> roots_watch_;
  consul::Watch<consul::LeafCert> leaf_watch_;
};

}  // namespace gatehouse::proxy
