/** Tailwind configuration, loaded by style/main.css through `@config`. */
module.exports = {
  content: ["./src/**/*.rs"],
  theme: {
    extend: {
      colors: {
        brand: {
          50: "#eef6ff",
          100: "#d9eaff",
          500: "#2f6fde",
          600: "#2459be",
          700: "#1d4796",
        },
      },
      // Finger-sized tap targets (WCAG 2.5.5): 44x44 CSS px.
      minHeight: { touch: "44px" },
      minWidth: { touch: "44px" },
    },
  },
};
