#include "proxy/errc.hpp"

#include <string>

namespace gatehouse::proxy {
namespace {

// error_category's destructor is protected and non-virtual by design (categories are static
// singletons, never deleted through a base pointer), which -Wnon-virtual-dtor cannot know.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class ProxyCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "gatehouse.proxy"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::handshake_timeout:
        return "handshake_timeout";
      case errc::idle_timeout:
        return "idle_timeout";
      case errc::connect_timeout:
        return "connect_timeout";
      case errc::tls_shutdown_timeout:
        return "tls_shutdown_timeout";
    }
    return "unknown";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& proxy_category() noexcept {
  static const ProxyCategory category;
  return category;
}

}  // namespace gatehouse::proxy
