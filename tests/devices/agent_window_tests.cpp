// The clipboard's images and PRIMARY, large transfers (X INCR) both ways, and
// a file dropped on the window (a real XDND exchange), with vigil's window
// under Xvfb against the test server's emulated agent. The other X client is
// xclip for the selections and this test itself for the drag source.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <png.h>
#include <poll.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "agent_test_text.hpp"
#include "child_process.hpp"
#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

constexpr auto connect_limit = 60s;
constexpr auto event_limit = 30s;

// Bytes that look like nothing in particular (an image's payload as far as
// the clipboard is concerned), deterministic for a given seed.
std::string noise(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  for (auto& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  out.replace(0, 8, "\x89PNG\r\n\x1a\n");
  return out;
}

void write_binary(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string fnv_text(const std::string& data) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", fnv1a(data));
  return text;
}

process_result xclip(const std::string& selection, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"xclip", "-selection", selection});
  return run_process(arguments, 20s);
}

// Sets a selection from a file with xclip, which serves it until another
// client takes the selection (-loops 1: after one paste).
void xclip_set(const std::string& selection, const std::string& target, const std::string& file) {
  run_process({"sh", "-c", "xclip -selection " + selection + " -t " + target + " -i -loops 1 -quiet < '" + file + "'"},
              60s, std::chrono::seconds(1));
}

std::string big_limits_config(const temp_directory& work) {
  return write_config(work, "[agent]\nmax_message_bytes = 8388608\nmax_queued_bytes = 16777216\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_window)

BOOST_AUTO_TEST_CASE(a_guest_png_reaches_local_clients_by_incr_and_a_local_png_reaches_the_guest) {
  temp_directory work("vigil-clipboard-image");
  virtual_display display(work);
  // 300 kB from the guest: over the window's 64 KiB INCR chunk.
  auto guest_image = noise(300 * 1000, 7);
  auto guest_file = work.file("guest.png");
  write_binary(guest_file, guest_image);
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent-clipboard-file", guest_file,
                       "--agent-clipboard-type", "2"});
  background_client client({"--config", big_limits_config(work), "--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE_MESSAGE(!server.wait_for_line("agent clipboard-request selection=0 type=2", connect_limit).empty(),
                        "the client never asked for the guest's PNG; log:\n" << client.log());
  std::string local;
  wait_until([&] { return (local = xclip("clipboard", {"-t", "image/png", "-o"}).stdout_text).size() == guest_image.size(); },
             event_limit, 200ms);
  auto targets = xclip("clipboard", {"-t", "TARGETS", "-o"}).stdout_text;
  std::printf("guest PNG of %zu bytes: xclip read %zu bytes (same: %s); TARGETS: %s\n", guest_image.size(),
              local.size(), local == guest_image ? "yes" : "no", targets.c_str());
  BOOST_TEST(local.size() == guest_image.size());
  BOOST_TEST((local == guest_image));
  BOOST_TEST(targets.find("image/png") != std::string::npos);

  // 3 MB from a local client: xclip sends it by INCR (over its ~1 MB request).
  auto local_image = noise(3 * 1000 * 1000, 11);
  auto local_file = work.file("local.png");
  write_binary(local_file, local_image);
  xclip_set("clipboard", "image/png", local_file);
  auto data = server.wait_for_line("agent clipboard-data selection=0 type=2", event_limit);
  auto grabs = server.lines("agent clipboard-grab");
  std::printf("local PNG of %zu bytes: the guest saw %s and %s\n", local_image.size(), joined(grabs).c_str(),
              data.c_str());
  BOOST_REQUIRE_MESSAGE(!data.empty(), "no PNG reached the guest; log:\n" << client.log());
  BOOST_TEST(!grabs.empty());
  BOOST_TEST(grabs.back().find("names=IMAGE_PNG") != std::string::npos);
  BOOST_TEST(data.find("bytes=" + std::to_string(local_image.size()) + " fnv1a=" + fnv_text(local_image)) !=
             std::string::npos);
}

// A Windows guest copies a picture as BMP; X clients paste image/png.
BOOST_AUTO_TEST_CASE(a_guest_bmp_reaches_local_clients_as_a_png_of_the_same_pixels) {
  temp_directory work("vigil-clipboard-bmp");
  virtual_display display(work);
  // A 24-bit bottom-up BMP of 3x2 pixels (rows padded to 4 bytes), as Windows writes one.
  const unsigned char rgb[2][3][3] = {{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}},       // top row
                                      {{255, 255, 255}, {0, 0, 0}, {18, 52, 86}}};  // bottom row
  std::string bmp = "BM";
  auto le = [&](std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      bmp += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  le(14 + 40 + 2 * 12, 4), le(0, 4), le(14 + 40, 4);                  // file header
  le(40, 4), le(3, 4), le(2, 4), le(1, 2), le(24, 2), le(0, 4), le(2 * 12, 4), le(2835, 4), le(2835, 4), le(0, 4),
    le(0, 4);                                                           // BITMAPINFOHEADER
  for (int row = 1; row >= 0; --row) {
    for (int x = 0; x < 3; ++x)
      bmp += {static_cast<char>(rgb[row][x][2]), static_cast<char>(rgb[row][x][1]), static_cast<char>(rgb[row][x][0])};
    bmp += std::string(3, '\0');
  }
  auto bmp_file = work.file("guest.bmp");
  write_binary(bmp_file, bmp);
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent-clipboard-file", bmp_file,
                       "--agent-clipboard-type", "3"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE_MESSAGE(!server.wait_for_line("agent clipboard-request selection=0 type=3", connect_limit).empty(),
                        "the client never asked for the guest's BMP; log:\n" << client.log());
  std::string png;
  wait_until([&] { return !(png = xclip("clipboard", {"-t", "image/png", "-o"}).stdout_text).empty(); }, event_limit,
             200ms);
  auto targets = xclip("clipboard", {"-t", "TARGETS", "-o"}).stdout_text;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  BOOST_REQUIRE_MESSAGE(png_image_begin_read_from_memory(&image, png.data(), png.size()),
                        "not a PNG: " << png.size() << " bytes; log:\n" << client.log());
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  BOOST_REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
  std::printf("guest BMP of %zu bytes: local clients read a %ux%u PNG of %zu bytes; TARGETS: %s\n", bmp.size(),
              image.width, image.height, png.size(), targets.c_str());
  BOOST_TEST(image.width == 3u);
  BOOST_TEST(image.height == 2u);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x)
      for (int c = 0; c < 3; ++c)
        BOOST_TEST(pixels[static_cast<std::size_t>((y * 3 + x) * 3 + c)] == rgb[y][x][c]);
  BOOST_TEST(targets.find("image/png") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_primary_selection_crosses_both_ways) {
  temp_directory work("vigil-clipboard-primary");
  virtual_display display(work);
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent-clipboard", "selected in the guest",
                       "--agent-selection", "primary"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE(!server.wait_for_line("agent clipboard-request selection=1 type=1", connect_limit).empty());
  std::string local;
  wait_until([&] { return (local = xclip("primary", {"-o"}).stdout_text) == "selected in the guest"; }, event_limit,
             200ms);
  BOOST_TEST(local == "selected in the guest");
  BOOST_TEST(xclip("clipboard", {"-o"}).stdout_text != "selected in the guest");  // CLIPBOARD untouched
  auto file = work.file("primary.txt");
  write_text_file(file, "selected locally");
  xclip_set("primary", "UTF8_STRING", file);
  auto data = server.wait_for_line("agent clipboard-data selection=1", event_limit);
  std::printf("guest PRIMARY read locally as '%s'; local PRIMARY in the guest: %s\n", local.c_str(), data.c_str());
  BOOST_TEST(data.find("text=\"selected locally\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_large_local_text_goes_to_the_guest_by_incr) {
  temp_directory work("vigil-clipboard-incr-text");
  virtual_display display(work);
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent", "on"});
  background_client client({"--config", big_limits_config(work), "--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
  auto text = numbered_text(2500000);  // 2.5 MB: xclip uses INCR
  auto file = work.file("big.txt");
  write_text_file(file, text);
  xclip_set("clipboard", "UTF8_STRING", file);
  auto data = server.wait_for_line("agent clipboard-data selection=0 type=1", event_limit);
  std::printf("local text of %zu bytes: %s\n", text.size(), data.c_str());
  BOOST_TEST(data.find("bytes=" + std::to_string(text.size()) + " fnv1a=" + fnv_text(text)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_file_dropped_on_the_window_is_saved_in_the_guest) {
  temp_directory work("vigil-file-drop");
  virtual_display display(work);
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent", "on"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
  auto window_id = wait_for_window("Vigil", connect_limit);
  BOOST_REQUIRE(!window_id.empty());
  auto content = noise(1000 * 1000, 3);
  auto path = work.file("dropped file.bin");
  write_binary(path, content);

  // The drag source: this test, speaking XDND to the window as a file
  // manager would.
  Display* x = XOpenDisplay(nullptr);
  BOOST_REQUIRE(x);
  Window target = std::stoul(window_id);
  Window source = XCreateSimpleWindow(x, DefaultRootWindow(x), 0, 0, 1, 1, 0, 0, 0);
  auto atom = [&](const char* name) { return XInternAtom(x, name, False); };
  Atom aware = atom("XdndAware"), proxy_atom = atom("XdndProxy"), uri_list = atom("text/uri-list"),
       selection = atom("XdndSelection"), copy = atom("XdndActionCopy");
  auto window_property = [&](Window w, Atom property, Atom type) -> long {
    Atom actual = None;
    int format = 0;
    unsigned long count = 0, after = 0;
    unsigned char* data = nullptr;
    long value = -1;
    if (XGetWindowProperty(x, w, property, 0, 1, False, type, &actual, &format, &count, &after, &data) == Success &&
        data && count == 1)
      value = *reinterpret_cast<long*>(data);
    if (data)
      XFree(data);
    return value;
  };
  long version = window_property(target, aware, XA_ATOM);
  long proxy = window_property(target, proxy_atom, XA_WINDOW);
  std::printf("vigil's window %s: XdndAware %ld, XdndProxy 0x%lx\n", window_id.c_str(), version, proxy);
  BOOST_REQUIRE(version >= 5);
  BOOST_REQUIRE(proxy > 0);
  BOOST_REQUIRE_EQUAL(window_property(static_cast<Window>(proxy), proxy_atom, XA_WINDOW), proxy);
  XSetSelectionOwner(x, selection, source, CurrentTime);
  auto send = [&](const char* type, long l1, long l2, long l3, long l4) {
    XEvent event{};
    event.xclient.type = ClientMessage;
    event.xclient.window = target;
    event.xclient.message_type = atom(type);
    event.xclient.format = 32;
    event.xclient.data.l[0] = static_cast<long>(source);
    event.xclient.data.l[1] = l1;
    event.xclient.data.l[2] = l2;
    event.xclient.data.l[3] = l3;
    event.xclient.data.l[4] = l4;
    XSendEvent(x, static_cast<Window>(proxy), False, NoEventMask, &event);
    XFlush(x);
  };
  // Waits for the ClientMessage `type` to the source, answering the
  // selection request for the file list on the way.
  std::string uris = "file://" + path.substr(0, path.rfind('/') + 1) + "dropped%20file.bin\r\n";
  auto wait_for_message = [&](const char* type) -> std::optional<XClientMessageEvent> {
    const auto deadline = std::chrono::steady_clock::now() + event_limit;
    while (std::chrono::steady_clock::now() < deadline) {
      while (XPending(x) > 0) {
        XEvent event;
        XNextEvent(x, &event);
        if (event.type == ClientMessage && event.xclient.message_type == atom(type))
          return event.xclient;
        if (event.type == SelectionRequest) {
          auto request = event.xselectionrequest;
          XSelectionEvent reply{};
          reply.type = SelectionNotify;
          reply.requestor = request.requestor;
          reply.selection = request.selection;
          reply.target = request.target;
          reply.time = request.time;
          reply.property = None;
          if (request.target == uri_list) {
            XChangeProperty(x, request.requestor, request.property, uri_list, 8, PropModeReplace,
                            reinterpret_cast<const unsigned char*>(uris.data()), static_cast<int>(uris.size()));
            reply.property = request.property;
          }
          XSendEvent(x, request.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
          XFlush(x);
        }
      }
      pollfd connection{ConnectionNumber(x), POLLIN, 0};
      poll(&connection, 1, 100);
    }
    return std::nullopt;
  };
  send("XdndEnter", 5L << 24, static_cast<long>(uri_list), 0, 0);
  send("XdndPosition", 0, (100L << 16) | 100L, CurrentTime, static_cast<long>(copy));
  auto status = wait_for_message("XdndStatus");
  BOOST_REQUIRE_MESSAGE(status, "no XdndStatus from the window");
  BOOST_TEST((status->data.l[1] & 1) == 1);  // accepted
  BOOST_TEST(status->data.l[4] == static_cast<long>(copy));
  send("XdndDrop", 0, CurrentTime, 0, 0);
  auto finished = wait_for_message("XdndFinished");
  BOOST_REQUIRE_MESSAGE(finished, "no XdndFinished from the window");
  BOOST_TEST((finished->data.l[1] & 1) == 1);
  XDestroyWindow(x, source);
  XCloseDisplay(x);

  auto start = server.wait_for_line("agent file-xfer-start", event_limit);
  auto done = server.wait_for_line("agent file-xfer-done", event_limit);
  bool saved = client.wait_for_log("file dropped file.bin: saved in the guest", event_limit);
  std::printf("drop of %zu bytes: %s; %s; client log says saved: %s\n", content.size(), start.c_str(), done.c_str(),
              saved ? "yes" : "no");
  BOOST_TEST(start.find("name=\"dropped file.bin\" size=" + std::to_string(content.size())) != std::string::npos);
  BOOST_TEST(done.find("bytes=" + std::to_string(content.size()) + " fnv1a=" + fnv_text(content)) !=
             std::string::npos);
  BOOST_TEST(saved);
}

// The menu's Send file: a path typed in the window's field goes to the
// agent; a transfer the agent stalls is cancelled from the menu.
BOOST_AUTO_TEST_CASE(a_file_sent_from_the_menu_is_saved_and_a_stalled_one_cancelled_from_the_menu) {
  temp_directory work("vigil-send-file-menu");
  virtual_display display(work);
  auto content = noise(200 * 1000, 5);
  auto path = work.file("sent.bin");
  write_binary(path, content);
  auto send_from_menu = [&](background_client& client, const std::string& window, std::size_t nth) {
    xdotool({"windowfocus", "--sync", window});
    // End: Disconnect; up: Reconnect now, Mute microphone (the test server
    // has a record channel), then Send file...
    xdotool({"key", "--delay", "50", "ctrl+alt+m", "End", "Up", "Up", "Up", "Return"});
    BOOST_REQUIRE_MESSAGE(client.wait_for_log("menu: send file", event_limit, nth), client.log());
    xdotool({"type", "--delay", "20", path});
    xdotool({"key", "Return"});
  };
  {
    scene_server server({"--scene", "solid", "--size", "640x480", "--agent", "on"});
    background_client client({"--duration", "600", plain_uri(server.port())});
    BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
    auto window = wait_for_window("Vigil", connect_limit);
    BOOST_REQUIRE(!window.empty());
    send_from_menu(client, window, 1);
    auto start = server.wait_for_line("agent file-xfer-start", event_limit);
    auto done = server.wait_for_line("agent file-xfer-done", event_limit);
    bool saved = client.wait_for_log("file sent.bin: saved in the guest", event_limit);
    std::printf("menu send of %zu bytes: %s; %s; saved: %s\n", content.size(), start.c_str(), done.c_str(),
                saved ? "yes" : "no");
    BOOST_TEST(start.find("name=\"sent.bin\" size=" + std::to_string(content.size())) != std::string::npos);
    BOOST_TEST(done.find("bytes=" + std::to_string(content.size()) + " fnv1a=" + fnv_text(content)) !=
               std::string::npos);
    BOOST_TEST(saved);
  }
  scene_server server({"--scene", "solid", "--size", "640x480", "--agent-file-xfer", "stall"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
  auto window = wait_for_window("Vigil", connect_limit);
  BOOST_REQUIRE(!window.empty());
  send_from_menu(client, window, 1);
  BOOST_REQUIRE(!server.wait_for_line("agent file-xfer-done", event_limit).empty());  // all sent, never answered
  // Cancel file transfers is there now, between Send file... and Mute microphone.
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "End", "Up", "Up", "Up", "Return"});
  BOOST_REQUIRE(client.wait_for_log("menu: cancel file transfers", event_limit));
  auto status = server.wait_for_line("agent file-xfer-status", event_limit);
  bool cancelled = client.wait_for_log("file sent.bin: cancelled", event_limit);
  std::printf("stalled transfer cancelled from the menu: the agent saw '%s'; client log says cancelled: %s\n",
              status.c_str(), cancelled ? "yes" : "no");
  BOOST_TEST(status.find("agent file-xfer-status id=1 result=1") == 0u);  // VD_AGENT_FILE_XFER_STATUS_CANCELLED
  BOOST_TEST(cancelled);
}

BOOST_AUTO_TEST_SUITE_END()
