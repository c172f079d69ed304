// The user's CommonJS program: require("edgetext"), run as it is or bundled.
//   node app.cjs TARGET [EMULATOR_URL]
const edgetext = require("edgetext");
const { smoke } = require("./smoke.mjs");

const [target, emulatorUrl] = process.argv.slice(2);
smoke(edgetext, { target, emulatorUrl: emulatorUrl || null }).then((results) => console.log(JSON.stringify(results)));
