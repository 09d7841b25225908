#include "actors/webdav_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include <caf/send.hpp>
#include <gio/gio.h>
#include <glib-unix.h>
#include <libphodav/phodav.h>

#include "protocol/http_requests.hpp"

namespace vigil {

namespace {

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) ? std::string(resolved) : std::string();
}

bool inside(const std::string& root_real, const std::string& candidate_real) {
  return candidate_real == root_real ||
         (candidate_real.size() > root_real.size() && candidate_real.compare(0, root_real.size(), root_real) == 0 &&
          candidate_real[root_real.size()] == '/');
}

}  // namespace

bool webdav_path_confined(const std::string& root_real, const std::string& request_path) {
  // No `..` segment at all, whatever the server would make of it.
  std::size_t start = 0;
  while (start <= request_path.size()) {
    auto end = request_path.find('/', start);
    auto segment = request_path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (segment == "..")
      return false;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  // The deepest part that exists must resolve inside the root.
  std::string candidate = root_real + (request_path.empty() || request_path[0] != '/' ? "/" : "") + request_path;
  for (;;) {
    struct stat info {};
    if (::lstat(candidate.c_str(), &info) == 0) {
      auto resolved = real_path(candidate);
      return !resolved.empty() && inside(root_real, resolved);
    }
    auto slash = candidate.find_last_of('/');
    if (slash == std::string::npos || candidate.size() <= root_real.size())
      return false;
    candidate.erase(slash);
  }
}

struct webdav_server::impl {
  caf::actor owner;
  std::string root_real;
  bool read_only = false;
  GMainContext* context = nullptr;
  GMainLoop* loop = nullptr;
  PhodavServer* phodav = nullptr;
  std::thread thread;

  struct connection {
    std::int64_t id = 0;
    int fd = -1;  // our end of the socketpair; the server has the other
    GSource* reader = nullptr;
    GSource* writer = nullptr;
    protocol::bytes pending;  // for the server, not written yet
    protocol::http_request_stream requests;  // every request head is checked before it is passed on
    impl* owner = nullptr;
  };
  // Thread-only state.
  std::map<std::int64_t, std::unique_ptr<connection>> connections;
  std::size_t in_flight = 0;
  bool reading_paused = false;
  std::set<std::int64_t> refused;  // connections we closed; the guest's rest of them is dropped

  // Runs `task` on the server thread.
  void post(std::function<void()> task) {
    auto* heap = new std::function<void()>(std::move(task));
    g_main_context_invoke_full(
      context, G_PRIORITY_DEFAULT,
      [](gpointer data) -> gboolean {
        (*static_cast<std::function<void()>*>(data))();
        return G_SOURCE_REMOVE;
      },
      heap, [](gpointer data) { delete static_cast<std::function<void()>*>(data); });
  }

  static void confine(SoupServer*, SoupServerMessage* message, const char* path, GHashTable*, gpointer data) {
    auto& self = *static_cast<impl*>(data);
    auto refuse = [&] { soup_server_message_set_status(message, SOUP_STATUS_FORBIDDEN, nullptr); };
    char* decoded = g_uri_unescape_string(path, nullptr);
    bool ok = decoded && webdav_path_confined(self.root_real, decoded);
    g_free(decoded);
    if (!ok)
      return refuse();
    const char* destination =
      soup_message_headers_get_one(soup_server_message_get_request_headers(message), "Destination");
    if (destination) {
      GUri* uri = g_uri_parse(destination, G_URI_FLAGS_NONE, nullptr);
      char* target = uri ? g_uri_unescape_string(g_uri_get_path(uri), nullptr) : nullptr;
      bool target_ok = target && webdav_path_confined(self.root_real, target);
      g_free(target);
      if (uri)
        g_uri_unref(uri);
      if (!target_ok)
        return refuse();
    }
  }

  void reply(std::int64_t id, protocol::bytes data) {
    ++in_flight;
    caf::anon_send(owner, webdav_reply_atom::value, id, std::move(data));
  }

  static gboolean on_readable(gint fd, GIOCondition, gpointer data) {
    auto* conn = static_cast<connection*>(data);
    auto& self = *conn->owner;
    if (self.in_flight >= max_replies_in_flight) {
      self.reading_paused = true;
      conn->reader = nullptr;
      return G_SOURCE_REMOVE;  // re-added by resume_reading() on ack
    }
    protocol::bytes buffer(65535);
    auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
    if (n <= 0) {
      auto id = conn->id;
      conn->reader = nullptr;
      self.drop(id);
      self.reply(id, {});
      return G_SOURCE_REMOVE;
    }
    buffer.resize(static_cast<std::size_t>(n));
    self.reply(conn->id, std::move(buffer));
    return G_SOURCE_CONTINUE;
  }

  static gboolean on_writable(gint, GIOCondition, gpointer data) {
    auto* conn = static_cast<connection*>(data);
    conn->owner->flush(*conn);
    if (conn->pending.empty()) {
      conn->writer = nullptr;
      return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
  }

  void watch_reads(connection& conn) {
    conn.reader = g_unix_fd_source_new(conn.fd, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR));
    g_source_set_callback(conn.reader, reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(&on_readable)), &conn,
                          nullptr);
    g_source_attach(conn.reader, context);
    g_source_unref(conn.reader);
  }

  void resume_reading() {
    if (!reading_paused || in_flight >= max_replies_in_flight)
      return;
    reading_paused = false;
    for (auto& [id, conn] : connections)
      if (!conn->reader)
        watch_reads(*conn);
  }

  void flush(connection& conn) {
    while (!conn.pending.empty()) {
      auto n = ::send(conn.fd, conn.pending.data(), conn.pending.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      conn.pending.erase(conn.pending.begin(), conn.pending.begin() + n);
    }
    if (!conn.pending.empty() && !conn.writer) {
      conn.writer = g_unix_fd_source_new(conn.fd, G_IO_OUT);
      g_source_set_callback(conn.writer, reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(&on_writable)),
                            &conn, nullptr);
      g_source_attach(conn.writer, context);
      g_source_unref(conn.writer);
    }
  }

  connection* open(std::int64_t id) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
      return nullptr;
    GError* error = nullptr;
    GSocket* socket = g_socket_new_from_fd(fds[1], &error);
    if (!socket) {
      g_clear_error(&error);
      ::close(fds[0]);
      ::close(fds[1]);
      return nullptr;
    }
    GSocketConnection* stream = g_socket_connection_factory_create_connection(socket);
    GSocketAddress* address = g_inet_socket_address_new_from_string("127.0.0.1", 0);
    SoupServer* soup = phodav_server_get_soup_server(phodav);
    bool accepted = soup_server_accept_iostream(soup, G_IO_STREAM(stream), address, address, &error);
    g_object_unref(address);
    g_object_unref(stream);
    g_object_unref(socket);
    if (!accepted) {
      g_clear_error(&error);
      ::close(fds[0]);
      return nullptr;
    }
    auto conn = std::make_unique<connection>();
    conn->id = id;
    conn->fd = fds[0];
    conn->owner = this;
    if (!reading_paused)
      watch_reads(*conn);
    auto* raw = conn.get();
    connections[id] = std::move(conn);
    return raw;
  }

  void drop(std::int64_t id) {
    auto found = connections.find(id);
    if (found == connections.end())
      return;
    auto& conn = *found->second;
    if (conn.reader)
      g_source_destroy(conn.reader);
    if (conn.writer)
      g_source_destroy(conn.writer);
    ::close(conn.fd);
    connections.erase(found);
  }

  // Answers `status` on connection `id` and closes it.
  void refuse(std::int64_t id, const char* status) {
    drop(id);
    refused.insert(id);
    std::string response = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    reply(id, protocol::bytes(response.begin(), response.end()));
    reply(id, {});
  }

  bool allowed(const protocol::http_request_head& head) const {
    return !head.path.empty() && webdav_path_confined(root_real, head.path) &&
           (!head.destination_given || (!head.destination.empty() && webdav_path_confined(root_real, head.destination)));
  }

  void to_server(std::int64_t id, protocol::bytes data) {
    if (data.empty()) {
      drop(id);  // the guest closed it
      refused.erase(id);
      return;
    }
    if (refused.count(id))
      return;  // the rest of a refused request
    auto found = connections.find(id);
    connection* conn = found != connections.end() ? found->second.get() : open(id);
    if (!conn) {
      reply(id, {});  // could not open: the guest sees it closed
      return;
    }
    std::vector<protocol::http_request_stream::piece> pieces;
    auto error = conn->requests.feed(data.data(), data.size(), pieces);
    for (auto& piece : pieces) {
      if (piece.head && piece.head->chunked)
        return refuse(id, "411 Length Required");
      if (piece.head && !allowed(*piece.head))
        return refuse(id, "403 Forbidden");
      conn->pending.insert(conn->pending.end(), piece.data.begin(), piece.data.end());
    }
    if (error)
      return refuse(id, "400 Bad Request");
    if (conn->pending.size() > max_pending_to_server) {
      drop(id);
      refused.insert(id);
      reply(id, {});
      return;
    }
    flush(*conn);
  }
};

std::unique_ptr<webdav_server> webdav_server::start(const shared_folder& folder, caf::actor owner, std::string& error) {
  auto state = std::make_unique<impl>();
  state->owner = std::move(owner);
  state->read_only = folder.read_only;
  state->root_real = real_path(folder.directory);
  struct stat info {};
  if (state->root_real.empty() || ::stat(state->root_real.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = "cannot share " + folder.directory + ": not a directory";
    return nullptr;
  }
  state->context = g_main_context_new();
  state->loop = g_main_loop_new(state->context, FALSE);
  std::mutex mutex;
  std::condition_variable started;
  bool ready = false;
  auto* raw = state.get();
  raw->thread = std::thread([raw, &mutex, &started, &ready] {
    g_main_context_push_thread_default(raw->context);
    raw->phodav = phodav_server_new(raw->root_real.c_str());
    g_object_set(raw->phodav, "read-only", raw->read_only ? TRUE : FALSE, nullptr);
    soup_server_add_early_handler(phodav_server_get_soup_server(raw->phodav), nullptr, &impl::confine, raw, nullptr);
    {
      std::lock_guard<std::mutex> lock(mutex);
      ready = true;
    }
    started.notify_one();
    g_main_loop_run(raw->loop);
    while (!raw->connections.empty())
      raw->drop(raw->connections.begin()->first);
    g_object_unref(raw->phodav);
    g_main_context_pop_thread_default(raw->context);
  });
  std::unique_lock<std::mutex> lock(mutex);
  started.wait(lock, [&] { return ready; });
  return std::unique_ptr<webdav_server>(new webdav_server(std::move(state)));
}

webdav_server::webdav_server(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

webdav_server::~webdav_server() {
  auto* raw = impl_.get();
  raw->post([raw] { g_main_loop_quit(raw->loop); });
  raw->thread.join();
  g_main_loop_unref(raw->loop);
  g_main_context_unref(raw->context);
}

void webdav_server::to_server(std::int64_t client, protocol::bytes data) {
  auto* raw = impl_.get();
  raw->post([raw, client, data = std::move(data)]() mutable { raw->to_server(client, std::move(data)); });
}

void webdav_server::close_all() {
  auto* raw = impl_.get();
  raw->post([raw] {
    while (!raw->connections.empty())
      raw->drop(raw->connections.begin()->first);
  });
}

void webdav_server::ack(std::size_t replies) {
  auto* raw = impl_.get();
  raw->post([raw, replies] {
    raw->in_flight -= std::min(replies, raw->in_flight);
    raw->resume_reading();
  });
}

}  // namespace vigil
