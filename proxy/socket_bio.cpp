#include "proxy/socket_bio.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gatehouse::proxy {
namespace {

SocketFeed& feed_of(BIO* bio) { return *static_cast<SocketFeed*>(BIO_get_data(bio)); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int read_feed(BIO* bio, char* out, std::size_t len, std::size_t* read) {
  SocketFeed& feed = feed_of(bio);
  BIO_clear_retry_flags(bio);
  *read = 0;
  if (feed.buffered() > 0) {
    const std::size_t n = std::min(len, feed.buffered());
    std::memcpy(out, feed.prefetched.data() + feed.begin, n);
    feed.begin += n;
    *read = n;
    return 1;
  }
  if (feed.eof) return 0;  // with BIO_eof() true: the peer's FIN
  if (feed.drained) {
    BIO_set_retry_read(bio);
    return 0;
  }
  const ssize_t got = ::recv(feed.fd, out, len, 0);
  if (got > 0) {
    *read = static_cast<std::size_t>(got);
    feed.drained = *read < len;
    return 1;
  }
  if (got == 0) {
    feed.eof = true;
    return 0;
  }
  if (would_block(errno)) {
    feed.drained = true;
    BIO_set_retry_read(bio);
  }
  return 0;  // otherwise errno says why (SSL_ERROR_SYSCALL)
}

int write_socket(BIO* bio, const char* in, std::size_t len, std::size_t* written) {
  SocketFeed& feed = feed_of(bio);
  BIO_clear_retry_flags(bio);
  *written = 0;
  const ssize_t sent = ::send(feed.fd, in, len, MSG_NOSIGNAL);
  if (sent >= 0) {
    *written = static_cast<std::size_t>(sent);
    return 1;
  }
  if (would_block(errno)) BIO_set_retry_write(bio);
  return 0;
}

long control(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered on the write side
    case BIO_CTRL_EOF:
      return feed_of(bio).eof ? 1 : 0;
    default:
      return 0;
  }
}

int create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_feed_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "gatehouse socket");
    BIO_meth_set_read_ex(m, read_feed);
    BIO_meth_set_write_ex(m, write_socket);
    BIO_meth_set_ctrl(m, control);
    BIO_meth_set_create(m, create);
    return m;
  }();
  return method;
}

}  // namespace

BIO* make_socket_bio(SocketFeed& feed) {
  BIO* bio = BIO_new(socket_feed_method());
  if (bio != nullptr) BIO_set_data(bio, &feed);
  return bio;
}

}  // namespace gatehouse::proxy
