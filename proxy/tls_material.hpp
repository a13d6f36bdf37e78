#pragma once
// Keeps the sidecar's TLS contexts current (STYLE.md §6): blocking watches on the CA roots and on
// the leaf of our service; each change builds complete new server and client contexts from the
// leaf and ALL roots, checks them and publishes them atomically. A failed build keeps the old
// contexts (`event=rotation_failed`). The first published pair makes the sidecar ready.
// Runs on the control io_context; the slots are read by every worker.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "consul/agent_client.hpp"
#include "consul/blocking_query.hpp"
#include "consul/ca_root.hpp"
#include "consul/leaf_cert.hpp"
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

class TlsMaterial {
 public:
  TlsMaterial(const boost::asio::any_io_executor& executor, consul::AgentConfig config,
              std::string service, tls::ContextSlot& server_slot, tls::ContextSlot& client_slot,
              std::function<void()> on_ready);
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;

  void start();
  void stop();
  bool ready() const { return ready_; }

 private:
  void on_roots(const consul::Blocking<consul::CaRoots>& roots);
  void on_leaf(const consul::Blocking<consul::LeafCert>& leaf);
  void rebuild();

  consul::AgentClient agent_;
  std::string service_;
  tls::ContextSlot& server_slot_;
  tls::ContextSlot& client_slot_;
  std::function<void()> on_ready_;
  std::optional<consul::CaRoots> roots_;
  std::optional<consul::LeafCert> leaf_;
  bool ready_ = false;
  consul::Watch<consul::CaRoots> roots_watch_;
  consul::Watch<consul::LeafCert> leaf_watch_;
};

}  // namespace gatehouse::proxy
