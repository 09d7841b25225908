#include "ui/credential_form.hpp"

#include <chrono>
#include <thread>

#include "ui/presentation.hpp"

namespace vigil {

credential_form::credential_form(std::string why, bool ask_username, std::string username)
    : why_(std::move(why)),
      ask_username_(ask_username),
      username_(std::move(username)),
      on_password_(!ask_username || !username_.empty()) {}

credential_form::outcome credential_form::on_event(const sf::Event& event) {
  std::string& field = on_password_ ? password_ : username_;
  if (event.type == sf::Event::KeyPressed) {
    switch (event.key.code) {
      case sf::Keyboard::Escape:
        return outcome::cancelled;
      case sf::Keyboard::Enter:
        if (!on_password_) {
          on_password_ = true;
          return outcome::editing;
        }
        return outcome::submitted;
      case sf::Keyboard::Tab:
        if (ask_username_)
          on_password_ = !on_password_;
        return outcome::editing;
      default:
        return outcome::editing;
    }
  }
  if (event.type == sf::Event::TextEntered) {
    auto c = event.text.unicode;
    if (c == 8) {  // Backspace: one UTF-8 character
      while (!field.empty() && (static_cast<unsigned char>(field.back()) & 0xC0) == 0x80)
        field.pop_back();
      if (!field.empty())
        field.pop_back();
    } else if (c >= 32 && c != 127 && field.size() < 256) {
      sf::String typed(c);
      auto utf8 = typed.toUtf8();
      field.append(utf8.begin(), utf8.end());
    }
  }
  return outcome::editing;
}

sf::IntRect credential_form::draw(sf::Vector2u window, const text_face& font, sf::Image& image) const {
  const int band_height = ask_username_ ? 150 : 110;
  const sf::IntRect band(0, (static_cast<int>(window.y) - band_height) / 2, static_cast<int>(window.x), band_height);
  if (band.width <= 0)
    return {};
  rgba_picture picture;
  picture.reset(static_cast<unsigned>(band.width), static_cast<unsigned>(band.height));
  fill_rect(picture, {0, 0, band.width, band.height}, sf::Color(20, 20, 20, 220));
  int y = 12;
  auto line = [&](const std::string& text, bool active) {
    draw_text(picture, font.rasterize(text, 18), 20, y, active ? sf::Color::White : sf::Color(170, 170, 170));
    y += 32;
  };
  line(why_, false);
  if (ask_username_)
    line("User name: " + username_ + (on_password_ ? "" : "_"), !on_password_);
  line("Password: " + std::string(sf::String::fromUtf8(password_.begin(), password_.end()).getSize(), '*') +
         (on_password_ ? "_" : ""),
       on_password_);
  line("Enter: connect   Esc: cancel", false);
  picture.copy_to(image);
  return band;
}

std::optional<credentials_answer> ask_in_window(sf::RenderWindow& window, presentation& shown, status_banner& banner,
                                                credential_form form, const text_face& font) {
  sf::Image image;
  const auto leave = [&] { shown.set_overlay(nullptr, {}); };
  bool changed = true;  // the form is drawn again after every event
  while (window.isOpen()) {
    sf::Event event;
    while (window.pollEvent(event)) {
      changed = true;
      if (event.type == sf::Event::Closed) {
        leave();
        return std::nullopt;
      }
      if (event.type == sf::Event::Resized)
        window.setView(sf::View(sf::FloatRect(0, 0, event.size.width, event.size.height)));
      switch (form.on_event(event)) {
        case credential_form::outcome::submitted:
          banner = status_banner{session_phase::connecting, "Connecting"};
          leave();
          return form.answer();
        case credential_form::outcome::cancelled:
          leave();
          return std::nullopt;
        case credential_form::outcome::editing:
          break;
      }
    }
    shown.set_banner(banner);
    if (changed) {
      const sf::IntRect bounds = form.draw(window.getSize(), font, image);
      shown.set_overlay(&image, bounds);
      changed = false;
    }
    shown.take_events(true);  // a modal form polls: its presentation's connection is read each time
    shown.present();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a modal form: frames wait until it is done
  }
  return std::nullopt;
}

}  // namespace vigil
