// Script-tag app (IIFE build, served as /widget/app.js, loaded by the facade in widget.js).
import { announceApp } from './app-start.js';

announceApp(document);
