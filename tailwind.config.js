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
      minHeight: { touch: "44px" },
    },
  },
};
