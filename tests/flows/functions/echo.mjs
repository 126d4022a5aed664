// The compute tests' echo, for argument checks against a calculation's schema.
export { echo, schema } from '../../compute/functions/echo.mjs';
