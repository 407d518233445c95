import { createGovdrApp } from "../app.ts";

createGovdrApp().app.synth();
